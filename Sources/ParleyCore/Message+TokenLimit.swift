/// A reply the backend stopped at its token limit (`finishReason` "length"): complete as far as the
/// backend is concerned, but cut off, which every screen says.
extension Message {
    /// True for a reply that stopped because it reached its token limit.
    public var reachedTokenLimit: Bool {
        role == .assistant && finishReason == FinishReason.length.rawValue
    }

    /// The fact, in one line, for a reply that reached its token limit (nil for any other):
    /// `maxTokens` is the limit the turn asked for, if known. A reply shorter than that limit was
    /// cut by the backend's own limit (a server's cap, a full context).
    public func tokenLimitNote(maxTokens: Int?) -> String? {
        guard reachedTokenLimit else { return nil }
        let generated = usage?.completionTokens
        if let maxTokens, generated.map({ $0 >= maxTokens }) ?? true {
            return "the reply was cut off at its limit of \(maxTokens) token\(maxTokens == 1 ? "" : "s")"
        }
        let whose = maxTokens == nil ? "its" : "the backend's"
        if let generated {
            return "the reply was cut off at \(whose) token limit, after \(generated) token\(generated == 1 ? "" : "s")"
        }
        return "the reply was cut off at \(whose) token limit"
    }
}
