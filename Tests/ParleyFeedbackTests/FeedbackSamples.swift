import Foundation
import ParleyCore

/// Conversations with feedback, built the way the chat screen stores them.
enum FeedbackSamples {
    static let day = Date(timeIntervalSince1970: 1_800_000_000)

    static func user(_ text: String, _ id: String) -> Message {
        Message(id: id, role: .user, content: text, createdAt: day)
    }

    static func reply(_ text: String, _ id: String, versions: [String]? = nil, status: MessageStatus = .complete, model: String = "small") -> Message {
        Message(id: id, role: .assistant, content: text, createdAt: day, status: status, backend: "local", model: model, alternatives: versions)
    }

    /// Two turns; the second reply was regenerated twice and its second version chosen.
    static func preferred() throws -> Conversation {
        var conversation = Conversation(
            id: "c-prefer", createdAt: day, persona: "assistant",
            messages: [user("Name a fruit", "u1"), reply("Apple", "a1"), user("Another one?", "u2"),
                       reply("Kiwi", "a2", versions: ["Pear", "Kiwi", "Plum"])])
        try conversation.applyFeedback(.prefer(version: 2), toMessage: "a2", at: day)
        return conversation
    }

    /// One turn whose reply the user rewrote (`/ideal`) and rated down.
    static func demonstrated() throws -> Conversation {
        var conversation = Conversation(
            id: "c-ideal", createdAt: day, persona: "assistant",
            messages: [Message(id: "s1", role: .system, content: "Answer in French.", createdAt: day), user("Say hello", "u1"), reply("Hello!", "a1")])
        try conversation.applyFeedback(.ideal(version: 1, text: "Bonjour !"), toMessage: "a1", at: day)
        try conversation.applyFeedback(.rate(version: 1, .down, note: "not French"), toMessage: "a1", at: day)
        return conversation
    }

    /// One turn with two versions, the first rated up and the second down.
    static func upAndDown() throws -> Conversation {
        var conversation = Conversation(
            id: "c-rated", createdAt: day, persona: "coder",
            messages: [user("2+2?", "u1"), reply("5", "a1", versions: ["4", "5"])])
        try conversation.applyFeedback(.rate(version: 1, .up, note: nil), toMessage: "a1", at: day)
        try conversation.applyFeedback(.rate(version: 2, .down, note: "wrong"), toMessage: "a1", at: day)
        return conversation
    }
}
