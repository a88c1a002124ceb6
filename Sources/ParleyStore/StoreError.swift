import ParleyCore

/// Everything the store can refuse or fail at, each with the one line a user should read.
public enum StoreError: UserFacingError, Equatable {
    /// The text cannot be a conversation id (and so is never used in a path).
    case invalidID(String)
    case notFound(id: String)
    case alreadyExists(id: String)
    case unknownPrefix(String)
    case ambiguousPrefix(String, candidates: [String])
    /// The file could not be decoded; it was moved to `quarantinedAs` (nil if the move failed).
    case corrupt(file: String, quarantinedAs: String?, reason: String)
    /// The file was written by a newer Parley; it is only ever read.
    case newerSchema(id: String, version: Int)
    case writeFailed(file: String, reason: String)
    case readFailed(file: String, reason: String)
    case cannotPrepareDirectory(path: String, reason: String)
    /// Another reply is being streamed into this conversation right now.
    case replyInProgress(id: String)
    /// An `update` closure tried to change what cannot change.
    case idChanged(from: String, to: String)
    /// `id` is what was asked for: an id or a prefix.
    case notInTrash(id: String)
    case trashSlotTaken(id: String)
    case restoreConflict(id: String)
    case checkpointFinished(id: String)
    /// Something other than a file Parley wrote (a symbolic link, a FIFO, ...) stands where the
    /// store expects its own file; it is left alone.
    case notOwnFile(file: String, what: String)

    public var description: String {
        switch self {
        case .invalidID(let text):
            return "'\(text)' is not a valid conversation id (ids use letters, digits, '-' and '_')."
        case .notFound(let id):
            return "No conversation with id \(id)."
        case .alreadyExists(let id):
            return "A conversation with id \(id) already exists."
        case .unknownPrefix(let prefix):
            return "No conversation id starts with '\(prefix)'."
        case .ambiguousPrefix(let prefix, let candidates):
            let shown = candidates.prefix(5).joined(separator: ", ")
            let more = candidates.count > 5 ? ", ..." : ""
            return "'\(prefix)' matches \(candidates.count) conversations (\(shown)\(more)); type more of the id."
        case .corrupt(let file, let moved, let reason):
            if let moved {
                return "Conversation file \(file) is unreadable (\(reason)); it was moved intact to \(moved)."
            }
            return "Conversation file \(file) is unreadable (\(reason)); move it aside by hand."
        case .newerSchema(let id, let version):
            return "Conversation \(id) was written by a newer Parley (schema \(version)); opened read-only, upgrade Parley to change it."
        case .writeFailed(let file, let reason):
            return "Could not save \(file): \(reason); the previous version is kept. Check free space and permissions."
        case .readFailed(let file, let reason):
            return "Could not read \(file): \(reason); check its permissions."
        case .cannotPrepareDirectory(let path, let reason):
            return "Could not prepare the storage directory \(path): \(reason); check its permissions."
        case .replyInProgress(let id):
            return "Another Parley is replying in conversation \(id) right now; wait for it to finish."
        case .idChanged(let from, let to):
            return "An update tried to change conversation id \(from) to \(to); ids never change."
        case .notInTrash(let id):
            return "No conversation with id \(id) in the trash."
        case .trashSlotTaken(let id):
            return "The trash already holds a conversation with id \(id)."
        case .restoreConflict(let id):
            return "A conversation with id \(id) exists again; it was left in the trash."
        case .checkpointFinished(let id):
            return "The reply in conversation \(id) was already finished; start a new reply."
        case .notOwnFile(let file, let what):
            return "\(file) is \(what), not a file Parley wrote; it was left alone. Move it out of the storage directory to go on."
        }
    }
}
