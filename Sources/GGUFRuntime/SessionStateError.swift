/// Why a saved session state cannot be used. Each means "evaluate from scratch instead": a state
/// that fails any check is never partly used.
public enum SessionStateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Not a saved state, or one of a version this runtime does not read.
    case notAState(String)
    /// Saved for another model file or other settings (named).
    case differentModel(String)
    /// Its length, a count or a checksum does not agree with the rest.
    case corrupt(String)

    public var description: String {
        switch self {
        case .notAState(let what): return "not a saved session state: \(what)"
        case .differentModel(let what): return "the saved state is of \(what)"
        case .corrupt(let what): return "the saved state is damaged: \(what)"
        }
    }
}
