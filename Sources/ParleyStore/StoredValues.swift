import Foundation
import ParleyCore

/// A loaded conversation and whether this build may change it.
public struct StoredConversation: Sendable, Equatable {
    public var conversation: Conversation
    /// True for files written by a newer schema: shown, never rewritten.
    public var isReadOnly: Bool
    /// Why it is read-only, one line.
    public var readOnlyReason: String?

    public init(conversation: Conversation, isReadOnly: Bool = false, readOnlyReason: String? = nil) {
        self.conversation = conversation
        self.isReadOnly = isReadOnly
        self.readOnlyReason = readOnlyReason
    }
}

/// What a listing shows of one conversation, without its messages.
public struct ConversationSummary: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var createdAt: Date
    public var updatedAt: Date
    public var messageCount: Int

    public init(id: String, title: String, createdAt: Date, updatedAt: Date, messageCount: Int) {
        self.id = id
        self.title = title
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.messageCount = messageCount
    }

    public init(_ conversation: Conversation) {
        self.init(
            id: conversation.id, title: conversation.displayTitle, createdAt: conversation.createdAt,
            updatedAt: conversation.updatedAt, messageCount: conversation.messages.count)
    }

    /// Newest first; ids break ties so the order is stable.
    static func newestFirst(_ a: ConversationSummary, _ b: ConversationSummary) -> Bool {
        if a.updatedAt != b.updatedAt { return a.updatedAt > b.updatedAt }
        return a.id > b.id
    }
}

/// One match of a search: the conversation, the message it is in (nil for a title match) and a
/// short single-line excerpt around it.
public struct SearchHit: Sendable, Equatable {
    public var conversation: ConversationSummary
    public var messageID: String?
    public var snippet: String

    public init(conversation: ConversationSummary, messageID: String?, snippet: String) {
        self.conversation = conversation
        self.messageID = messageID
        self.snippet = snippet
    }
}
