import ParleyCore

/// `ID[:MESSAGE]` on the command line: a conversation (id or unique prefix) and, after a colon,
/// one of its replies by number (`:2`, counting replies from 1, as `parley feedback list` shows)
/// or by message id. Without one it means the last reply.
public struct ReplyAddress: Sendable, Equatable {
    public enum Reply: Sendable, Equatable {
        case last
        case number(Int)
        case messageID(String)
    }

    public var conversation: String
    public var reply: Reply

    public struct Failure: UserFacingError, Equatable {
        public var description: String
    }

    public init(conversation: String, reply: Reply) {
        self.conversation = conversation
        self.reply = reply
    }

    public static func parse(_ text: String) throws -> ReplyAddress {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let id = parts.first, !id.isEmpty else {
            throw Failure(description: "'\(text)' names no conversation: give ID or ID:N")
        }
        guard parts.count == 2 else { return ReplyAddress(conversation: id, reply: .last) }
        let reply = parts[1]
        if reply.isEmpty { throw Failure(description: "'\(text)' names no reply after the colon: ID:N, N counting replies from 1") }
        if let number = Int(reply) {
            guard number > 0 else { throw Failure(description: "replies count from 1; '\(reply)' is not one") }
            return ReplyAddress(conversation: id, reply: .number(number))
        }
        return ReplyAddress(conversation: id, reply: .messageID(reply))
    }

    /// The index of the addressed reply among the conversation's messages.
    public func index(in conversation: Conversation) throws -> Int {
        let replies = conversation.replyIndices
        switch reply {
        case .last:
            guard let last = replies.last else { throw Failure(description: "conversation \(conversation.id) has no reply yet") }
            return last
        case .number(let number):
            guard replies.indices.contains(number - 1) else {
                let count = replies.count == 1 ? "one reply" : "\(replies.count) replies"
                throw Failure(description: "conversation \(conversation.id) has \(count); there is no reply \(number)")
            }
            return replies[number - 1]
        case .messageID(let id):
            guard let index = replies.first(where: { conversation.messages[$0].id == id }) else {
                throw Failure(description: "conversation \(conversation.id) has no reply with the id \(id)")
            }
            return index
        }
    }
}
