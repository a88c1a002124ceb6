/// A stored document that belongs to a conversation (a decision, a draft), so the chat screen can
/// bring it back when that conversation is reopened.
public protocol ConversationDocument: StoredDocument {
    var conversationID: String? { get }
}

extension DocumentStore where Document: ConversationDocument {
    /// The most recently updated document of the conversation `conversationID`, or nil when it has none.
    public func latest(forConversation conversationID: String) throws -> Document? {
        try list().first { $0.conversationID == conversationID }
    }
}
