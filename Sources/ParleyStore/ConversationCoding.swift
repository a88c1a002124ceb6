import Foundation
import ParleyCore

/// The on-disk JSON form: pretty, sorted keys, slashes and non-ASCII left as they are, dates in
/// ISO-8601 UTC with milliseconds. Pure: bytes in, values out.
enum ConversationCoding {
    static func makeEncoder(pretty: Bool = true) -> JSONEncoder { ParleyJSON.encoder(pretty: pretty) }

    static func makeDecoder() -> JSONDecoder { ParleyJSON.decoder() }

    static func encode(_ conversation: Conversation) throws -> Data {
        var data = try makeEncoder().encode(conversation)
        data.append(0x0A)
        return data
    }

    /// What a conversation file turned out to hold.
    enum Decoded {
        case current(Conversation)
        /// Written by a newer schema: what could be decoded, and why it is read-only.
        case newer(Conversation, version: Int, reason: String)
    }

    /// Decodes a conversation file, or throws `Unreadable` with a short reason.
    static func decode(_ data: Data) throws -> Decoded {
        if data.isEmpty { throw Unreadable(reason: "the file is empty") }
        if containsNUL(data) { throw Unreadable(reason: "the file contains NUL bytes") }
        let decoder = makeDecoder()
        let probe: SchemaProbe
        do {
            probe = try decoder.decode(SchemaProbe.self, from: data)
        } catch {
            throw Unreadable(reason: reason(for: error))
        }
        if probe.schemaVersion > Conversation.currentSchemaVersion {
            let lenient: LenientConversation
            do {
                lenient = try decoder.decode(LenientConversation.self, from: data)
            } catch {
                throw Unreadable(reason: reason(for: error))
            }
            var why = "written by a newer Parley (schema \(probe.schemaVersion))"
            if lenient.skippedMessages > 0 {
                why += "; \(lenient.skippedMessages) message(s) could not be read"
            }
            return .newer(lenient.conversation, version: probe.schemaVersion, reason: why)
        }
        do {
            return .current(ConversationMigration.upgrade(try decoder.decode(Conversation.self, from: data)))
        } catch {
            throw Unreadable(reason: reason(for: error))
        }
    }

    /// Decodes the file of conversation `fileID` (its name without `.json`). A file whose stored id
    /// is another (a copy renamed by hand, or a planted `../../etc/evil`) could be listed but never
    /// addressed: of the current schema it is `Unreadable` (and so quarantined); of a newer schema,
    /// which is never moved, it is shown under its file name.
    static func decode(_ data: Data, fileID: String) throws -> Decoded {
        switch try decode(data) {
        case .current(let conversation):
            guard conversation.id == fileID else { throw Unreadable(reason: "the id stored in it does not match its file name") }
            return .current(conversation)
        case .newer(var conversation, let version, let reason):
            conversation.id = fileID
            return .newer(conversation, version: version, reason: reason)
        }
    }

    /// True when some byte is 0 (what a crash can leave in a file that was being extended).
    static func containsNUL(_ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, 0, buffer.count) != nil
        }
    }

    /// Only the schema version, to tell a newer file from a broken one before decoding the rest.
    static func schemaVersion(of data: Data) -> Int? {
        try? makeDecoder().decode(SchemaProbe.self, from: data).schemaVersion
    }

    struct Unreadable: Error, Equatable {
        var reason: String
    }

    /// A one-line reason for a decoding failure (Foundation's own texts span lines and paths).
    static func reason(for error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ codingPath: [CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "missing field '\(key.stringValue)'\(parent)"
        case .typeMismatch(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case .valueNotFound(_, let context):
            return "null at \(path(context.codingPath))"
        @unknown default:
            return "cannot be decoded"
        }
    }

    private struct SchemaProbe: Decodable {
        var schemaVersion: Int
    }
}

/// Decodes a newer-schema file as far as possible: unknown fields are ignored, fields that changed
/// shape fall back to defaults, and messages that no longer decode are skipped (and counted).
private struct LenientConversation: Decodable {
    var conversation: Conversation
    var skippedMessages: Int

    private enum Keys: String, CodingKey {
        case schemaVersion, id, title, createdAt, updatedAt, persona, mode, messages, backend
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let id = try c.decode(String.self, forKey: .id)
        let createdAt = (try? c.decode(Date.self, forKey: .createdAt)) ?? Date(timeIntervalSince1970: 0)
        let updatedAt = (try? c.decode(Date.self, forKey: .updatedAt)) ?? createdAt
        let messages = (try? c.decode([Failable<Message>].self, forKey: .messages)) ?? []
        var conversation = Conversation(
            id: id, title: (try? c.decode(String.self, forKey: .title)) ?? "", createdAt: createdAt,
            persona: try? c.decode(String.self, forKey: .persona),
            mode: (try? c.decode(Mode.self, forKey: .mode)) ?? .chat,
            messages: messages.compactMap(\.value))
        conversation.schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        conversation.updatedAt = updatedAt
        conversation.backend = try? c.decode(BackendChoice.self, forKey: .backend)
        self.conversation = conversation
        self.skippedMessages = messages.count - conversation.messages.count
    }

    private struct Failable<Value: Decodable>: Decodable {
        var value: Value?
        init(from decoder: Decoder) throws { value = try? Value(from: decoder) }
    }
}
