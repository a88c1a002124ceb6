import Foundation

/// The kind of help a conversation is for.
public enum Mode: String, Codable, Sendable, CaseIterable {
    case chat, decide, write
}

/// A whole conversation: the unit that is stored as one JSON file.
public struct Conversation: Codable, Sendable, Equatable, Identifiable {
    /// The schema this build writes. A file with a higher number is opened read-only.
    /// 2: replies carry `feedback` and `unfinishedVersions` (files of 1 are upgraded on reading,
    /// see `ConversationMigration`).
    public static let currentSchemaVersion = 2

    public var schemaVersion: Int
    public var id: String
    public var title: String
    public var createdAt: Date
    public var updatedAt: Date
    public var persona: String?
    public var mode: Mode
    public var messages: [Message]
    /// The backend and model the last reply came from; `--continue` and reopening use them unless
    /// options say otherwise. Optional like `Message.picture`: older files lack it, older readers
    /// skip it, and the schema stays as it was.
    public var backend: BackendChoice?

    public init(
        id: String = Identifier.make(), title: String = "", createdAt: Date = Date(),
        persona: String? = nil, mode: Mode = .chat, messages: [Message] = []
    ) {
        self.schemaVersion = Conversation.currentSchemaVersion
        self.id = id
        self.title = title
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.persona = persona
        self.mode = mode
        self.messages = messages
    }

    /// The title to show: the stored one, or one made from the first user message.
    public var displayTitle: String {
        if !title.isEmpty { return title }
        if let first = messages.first(where: { $0.role == .user }) {
            return Conversation.suggestedTitle(from: first.content)
        }
        return "(untitled)"
    }

    /// A short one-line title from the start of a message: whitespace collapsed, at most 60 characters.
    public static func suggestedTitle(from text: String, limit: Int = 60) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        var title = ""
        for word in words {
            let candidate = title.isEmpty ? String(word) : title + " " + word
            if candidate.count > limit {
                if title.isEmpty { title = String(candidate.prefix(limit)) }
                return title + "…"
            }
            title = candidate
        }
        return title.isEmpty ? "(untitled)" : title
    }
}

/// Decoding tolerates files from older builds that lack optional fields.
extension Conversation {
    enum CodingKeys: String, CodingKey {
        case schemaVersion, id, title, createdAt, updatedAt, persona, mode, messages, backend
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        updatedAt = try c.decode(Date.self, forKey: .updatedAt)
        persona = try c.decodeIfPresent(String.self, forKey: .persona)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .chat
        messages = try c.decode([Message].self, forKey: .messages)
        backend = try c.decodeIfPresent(BackendChoice.self, forKey: .backend)
    }
}
