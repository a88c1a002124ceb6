/// Fits a history into a context window by dropping the oldest turns.
///
/// The leading system messages and the newest user message are never dropped. A turn is a user
/// message and everything after it up to the next user message, so a question never loses its answer
/// alone (and vice versa).
///
/// Turns are counted from the newest back, and counting stops at the first turn that does not fit:
/// the turns before it are left out uncounted. With a floor (`atLeast`), a message the floor alone
/// shows cannot fit is never counted either. Why: counting is tokenizing for the local model, and a
/// history holding one 50 MB message took 77 s and 3.25 GB to count on every turn.
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
        /// As `tooLong`, known from the floor alone: the message was not counted.
        case tooLongAtLeast(needed: Int, available: Int)

        public var description: String {
            switch self {
            case .tooLong(let needed, let available):
                return "the message is too long for the context window: it needs \(needed) tokens and \(available) are available; shorten it or use a backend with a larger context"
            case .tooLongAtLeast(let needed, let available):
                return "the message is too long for the context window: it needs at least \(needed) tokens and \(available) are available; shorten it or use a backend with a larger context"
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

    /// - Parameters:
    ///   - count: the tokens a message takes.
    ///   - atLeast: a floor under `count` that costs nothing to work out (from the text's size).
    public func fit(
        _ messages: [ChatMessage], count: (ChatMessage) -> Int, atLeast floor: (ChatMessage) -> Int = { _ in 0 }
    ) throws -> Result {
        let available = max(0, contextSize - reserveForReply)
        // The pinned head: leading system messages (persona prompt). Few-shot examples that follow
        // them are ordinary turns and may be dropped like any other.
        let headEnd = messages.firstIndex(where: { $0.role != .system }) ?? messages.count
        let lastUser = max(headEnd, messages.lastIndex(where: { $0.role == .user }) ?? messages.count)
        let pinned = messages[..<headEnd] + messages[lastUser...]
        let pinnedFloor = pinned.reduce(0) { $0 + floor($1) }
        if pinnedFloor > available { throw Failure.tooLongAtLeast(needed: pinnedFloor, available: available) }
        var used = pinned.reduce(0) { $0 + count($1) }
        if used > available { throw Failure.tooLong(needed: used, available: available) }
        // Whole turns, newest first; messages between the head and the first user message (an
        // assistant greeting) go with the first turn.
        let turnStarts = (headEnd..<lastUser).filter { messages[$0].role == .user }
        let starts = headEnd < lastUser ? [headEnd] + turnStarts.dropFirst() : []
        var keepFrom = lastUser
        for start in starts.reversed() {
            let turn = messages[start..<keepFrom]
            if used + turn.reduce(0, { $0 + floor($1) }) > available { break }
            let cost = turn.reduce(0) { $0 + count($1) }
            if used + cost > available { break }
            used += cost
            keepFrom = start
        }
        let kept = Array(messages[..<headEnd]) + Array(messages[keepFrom...])
        return Result(messages: kept, droppedMessages: keepFrom - headEnd, promptTokens: used)
    }
}
