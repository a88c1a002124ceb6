import ParleyCore

/// What the commands add to a reply's facts: the advice that fits a command line.
enum ReplyNotes {
    /// One line for stderr when a reply stopped at its token limit, nil otherwise. The advice to
    /// raise the limit is given only when the turn's own limit was what cut it.
    static func tokenLimit(_ reply: Message, maxTokens: Int?) -> String? {
        guard let fact = reply.tokenLimitNote(maxTokens: maxTokens) else { return nil }
        let ownLimit = maxTokens.map { limit in reply.usage.map { $0.completionTokens >= limit } ?? true } ?? false
        return ownLimit ? fact + "; give a larger --max-tokens (or max_tokens in the config) for a longer one" : fact
    }
}
