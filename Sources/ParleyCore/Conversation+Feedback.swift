import Foundation

extension Conversation {
    /// Records feedback on the message `messageID`. Choosing a version of the last reply also
    /// shows it (the conversation goes on from it, as after paging with Alt-←→); an earlier reply
    /// keeps the text the later turns were answered after, so the stored context stays true.
    public mutating func applyFeedback(_ change: FeedbackChange, toMessage messageID: String, at date: Date) throws {
        guard let index = messages.firstIndex(where: { $0.id == messageID }) else { throw FeedbackError.notAReply }
        var message = messages[index]
        try message.apply(change, at: date)
        if case .prefer(let version) = change, index == messages.count - 1 {
            message.content = message.versions[version - 1]
        }
        messages[index] = message
    }

    /// The assistant replies, oldest first: the numbers `ID:N` addresses count them from 1.
    public var replyIndices: [Int] {
        messages.indices.filter { messages[$0].role == .assistant }
    }
}
