/// What `/save` or `/export` writes to a file the user names: the question asked before an existing
/// file is replaced, and the notice once it is written, both say which.
public enum SavedText: Sendable, Equatable {
    /// A draft version (`/save FILE` in write mode).
    case draft
    /// The conversation as Markdown or JSON (`/export`).
    case conversation
    /// The decision's report or record (`/export` in decide mode).
    case decision

    var noun: String {
        switch self {
        case .draft: return "the draft"
        case .conversation: return "the export"
        case .decision: return "the decision"
        }
    }

    func savedNotice(_ path: String) -> String {
        switch self {
        case .draft: return "saved the draft to \(path)"
        case .conversation: return "exported to \(path)"
        case .decision: return "exported the decision to \(path)"
        }
    }
}
