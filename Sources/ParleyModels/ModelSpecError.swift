import ParleyCore

/// A SPEC that cannot be what `models pull` takes.
public enum ModelSpecError: UserFacingError, Equatable {
    case empty
    case malformed(String, String)

    public var description: String {
        switch self {
        case .empty:
            return "no model given; name one from 'parley models catalog', hf:OWNER/REPO[:QUANT] or an https:// URL of a .gguf file"
        case .malformed(let spec, let why):
            return "cannot pull \"\(spec)\": \(why)"
        }
    }
}
