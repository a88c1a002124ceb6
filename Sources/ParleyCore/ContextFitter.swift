/// Fits a history into a context window by dropping the oldest turns.
///
/// The leading system messages and the newest user message are never dropped. A turn is a user
/// message and everything after it up to the next user message, so a question never loses its answer
/// alone (and vice versa).
public struct ContextFitter: Sendable {
    public struct Result: Equatable, Sendable {
        public var messages: [ChatMessage]
        /// How many messages were left out.
        public var droppedMessages: Int
        /// Tokens the kept messages take.
        public var promptTokens: Int
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Even the system prompt and the newest message do not fit.
        case tooLong(needed: Int, available: Int)

        public var description: String {
            switch self {
            case .tooLong(let needed, let available):
                return "the message is too long for the context window: it needs \(needed) tokens and \(available) are available; shorten it or use a backend with a larger context"
            }
        }
    }

    public var contextSize: Int
    /// Tokens kept free for the reply.
    public var reserveForReply: Int

    public init(contextSize: Int, reserveForReply: Int) {
        self.contextSize = contextSize
        self.reserveForReply = reserveForReply
    }

    public func fit(_ messages: [ChatMessage], count: (ChatMessage) -> Int) throws -> Result {
        let available = max(0, contextSize - reserveForReply)
        let costs = messages.map(count)
        let total = costs.reduce(0, +)
        if total <= available {
            return Result(messages: messages, droppedMessages: 0, promptTokens: total)
        }
        // The pinned head: leading system messages (persona prompt). Few-shot examples that follow
        // them are ordinary turns and may be dropped like any other.
        let headEnd = messages.firstIndex(where: { $0.role != .system }) ?? messages.count
        let lastUser = max(headEnd, messages.lastIndex(where: { $0.role == .user }) ?? messages.count)
        let turnStarts = (headEnd..<max(headEnd, lastUser)).filter { messages[$0].role == .user }
        var used = total
        var dropUntil = headEnd
        // Drop whole turns from the oldest; messages between the head and the first user message
        // (an assistant greeting) go with the first turn.
        var boundaries = turnStarts.dropFirst().map { $0 } + [lastUser]
        if turnStarts.isEmpty { boundaries = [lastUser] }
        for boundary in boundaries where used > available {
            used -= costs[dropUntil..<boundary].reduce(0, +)
            dropUntil = boundary
        }
        if used > available {
            throw Failure.tooLong(needed: used, available: available)
        }
        let kept = Array(messages[..<headEnd]) + Array(messages[dropUntil...])
        return Result(messages: kept, droppedMessages: dropUntil - headEnd, promptTokens: used)
    }
}
