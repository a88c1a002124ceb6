/// Why a rating, choice or demonstration cannot be recorded on a reply.
public enum FeedbackError: UserFacingError, Equatable {
    case notAReply
    case stillStreaming
    case noSuchVersion(Int, count: Int)
    case noAlternatives
    case unfinishedVersion(Int)
    case emptyIdeal

    public var description: String {
        switch self {
        case .notAReply: return "only a reply of the assistant can be rated, chosen or corrected"
        case .stillStreaming: return "the reply is still streaming; wait for it to end"
        case .noSuchVersion(let version, let count):
            return count == 1 ? "the reply has one version; there is no version \(version)"
                : "the reply has \(count) versions; choose one from 1 to \(count), not \(version)"
        case .noAlternatives: return "the reply has no alternatives to choose from (/retry makes one)"
        case .unfinishedVersion(let version):
            return "version \(version) was interrupted or failed; only a finished reply can be the chosen one"
        case .emptyIdeal: return "the ideal answer is empty; nothing was saved"
        }
    }
}
