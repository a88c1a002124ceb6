import ParleyCore

/// A SPEC that cannot be what `models pull` takes.
public enum ModelSpecError: UserFacingError, Equatable {
    case empty
    case malformed(String, String)

    public var description: String {
        switch self {
        case .empty:
            return "no model given"
        case .malformed(let spec, let why):
            return "cannot pull \"\(spec)\": \(why)"
        }
    }
}
