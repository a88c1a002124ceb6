/// What can go wrong measuring perplexity or KL divergence: a text too short for the context, or a
/// logits file that is not llama-perplexity's or does not fit the model. One line each.
public enum PerplexityError: Error, CustomStringConvertible, Equatable, Sendable {
    case textTooShort(tokens: Int, needed: Int, contextLength: Int)
    case contextTooShort(Int)
    case notLogitsFile(path: String)
    case logitsFileCorrupt(path: String, reason: String)
    case logitsFileMismatch(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .textTooShort(tokens, needed, contextLength):
            return "the text is \(tokens) tokens; a context of \(contextLength) needs at least \(needed) (two chunks); give a longer text or a smaller --ctx"
        case let .contextTooShort(contextLength):
            return "a context of \(contextLength) tokens is too short to score (at least 4)"
        case let .notLogitsFile(path):
            return "\(path) is not a logits file (llama-perplexity's --kl-divergence-base format starts with _logits_)"
        case let .logitsFileCorrupt(path, reason):
            return "logits file \(path) is truncated or corrupt: \(reason)"
        case let .logitsFileMismatch(path, reason):
            return "logits file \(path) does not fit this model: \(reason)"
        case let .cannotRead(path, reason):
            return "cannot read logits file \(path): \(reason)"
        case let .cannotWrite(path, reason):
            return "cannot write logits file \(path): \(reason)"
        }
    }
}
