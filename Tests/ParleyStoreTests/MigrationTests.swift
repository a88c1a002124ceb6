import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

/// Schema 1 files (before feedback) read as schema 2, and schema 2 files as an older Parley reads them.
@Suite("Conversation files: schema 1 to 2")
struct MigrationTests {
    /// A schema 1 file as `/retry` left it: three versions, the first of which failed before any
    /// text came, the shown one paged back to the second.
    static let retriedSchemaOne = """
        {
          "createdAt" : "2026-11-29T01:02:03.456Z",
          "id" : "20261129-010203-k3v9qa",
          "messages" : [
            {
              "content" : "Name a fruit",
              "createdAt" : "2026-11-29T01:02:03.456Z",
              "id" : "20261129-010203-7fz2mc",
              "role" : "user",
              "status" : "complete"
            },
            {
              "alternatives" : [
                "",
                "Pear",
                "Plum"
              ],
              "backend" : "local",
              "content" : "Pear",
              "createdAt" : "2026-11-29T01:02:09.000Z",
              "id" : "20261129-010209-9d0sbe",
              "model" : "small",
              "role" : "assistant",
              "status" : "complete"
            }
          ],
          "mode" : "chat",
          "persona" : "assistant",
          "schemaVersion" : 1,
          "title" : "Name a fruit",
          "updatedAt" : "2026-11-29T01:02:09.000Z"
        }

        """

    @Test func aRetriedSchemaOneReplyKeepsItsVersionsAndMarksTheEmptyOneUnfinished() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = "20261129-010203-k3v9qa"
        try fixture.writeRaw(Data(Self.retriedSchemaOne.utf8), id: id)
        let stored = try fixture.store.load(id: id)
        #expect(!stored.isReadOnly)
        let reply = stored.conversation.messages[1]
        #expect(stored.conversation.schemaVersion == 2)
        #expect(reply.versions == ["", "Pear", "Plum"])
        #expect(reply.shownVersion == 2)
        #expect(reply.unfinishedVersions == [1])
        #expect(!reply.isFinished(version: 1) && reply.isFinished(version: 2) && reply.isFinished(version: 3))
        #expect(reply.feedback == nil)
        // Reading wrote nothing: the Parley that wrote the file can still change it.
        #expect(String(decoding: try fixture.bytes(id), as: UTF8.self) == Self.retriedSchemaOne)

        // The first change writes schema 2, feedback included, and reads back equal.
        let updated = try fixture.store.update(id: id) { conversation in
            try conversation.applyFeedback(.prefer(version: 3), toMessage: reply.id, at: Date(timeIntervalSince1970: 1_800_000_000))
        }
        let text = String(decoding: try fixture.bytes(id), as: UTF8.self)
        #expect(text.contains("\"schemaVersion\" : 2"))
        #expect(text.contains("\"preferredVersion\" : 3"))
        #expect(text.contains("\"unfinishedVersions\" : [\n        1\n      ]"))
        #expect(try fixture.reopen().load(id: id).conversation.messages == updated.messages)
        #expect(updated.messages[1].content == "Plum")
    }

    @Test func migrationPutsAShownTextMissingFromTheVersionsLast() {
        var conversation = Conversation(messages: [Message(role: .assistant, content: "edited", alternatives: ["a", "b"])])
        conversation.schemaVersion = 1
        let upgraded = ConversationMigration.upgrade(conversation)
        #expect(upgraded.messages[0].alternatives == ["a", "b", "edited"])
        #expect(upgraded.messages[0].unfinishedVersions == nil)
        #expect(upgraded.schemaVersion == 2)
        // A current conversation passes unchanged.
        let current = Conversation(messages: [Message(role: .assistant, content: "x", alternatives: ["", "x"])])
        #expect(ConversationMigration.upgrade(current) == current)
    }

    /// The fields a schema 1 Parley decodes a message with (Message as it was before feedback).
    struct SchemaOneMessage: Decodable {
        var id: String
        var role: Role
        var content: String
        var createdAt: Date
        var status: MessageStatus
        var backend: String?
        var model: String?
        var alternatives: [String]?
    }

    struct SchemaOneProbe: Decodable {
        var schemaVersion: Int
        var messages: [SchemaOneMessage]
    }

    @Test func aSchemaTwoFileWithFeedbackReadsWholeThroughSchemaOneFieldsAndIsNewerToIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var conversation = sampleConversation(id: "c1", messages: ["Name a fruit", "Kiwi"])
        conversation.messages[1].alternatives = ["Pear", "Kiwi"]
        try conversation.applyFeedback(.prefer(version: 2), toMessage: conversation.messages[1].id, at: Date(timeIntervalSince1970: 1_800_000_000))
        try conversation.applyFeedback(.ideal(version: 1, text: "Mango"), toMessage: conversation.messages[1].id, at: Date(timeIntervalSince1970: 1_800_000_000))
        try fixture.store.create(conversation)
        let data = try fixture.bytes("c1")
        let old = try ParleyJSON.decoder().decode(SchemaOneProbe.self, from: data)
        // Newer than 1, so a schema 1 Parley shows it read-only; and no message is lost to it.
        #expect(old.schemaVersion > 1)
        #expect(old.messages.map(\.content) == ["Name a fruit", "Kiwi"])
        #expect(old.messages[1].alternatives == ["Pear", "Kiwi"])

        // What this build does with a file one schema ahead is what 1 does with 2: read-only,
        // every message shown, never rewritten.
        let ahead = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"schemaVersion\" : 2", with: "\"schemaVersion\" : 3")
        try fixture.writeRaw(Data(ahead.utf8), id: "c1")
        let stored = try fixture.store.load(id: "c1")
        #expect(stored.isReadOnly)
        #expect(stored.conversation.messages.map(\.content) == ["Name a fruit", "Kiwi"])
        #expect(throws: StoreError.newerSchema(id: "c1", version: 3)) {
            try fixture.store.update(id: "c1") { $0.title = "downgraded" }
        }
        #expect(String(decoding: try fixture.bytes("c1"), as: UTF8.self) == ahead)
    }
}
