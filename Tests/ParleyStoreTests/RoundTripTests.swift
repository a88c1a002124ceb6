import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

@Suite("Conversation files: round trip and JSON shape")
struct RoundTripTests {
    @Test func savedConversationLoadsBackEqual() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var conversation = sampleConversation(id: "c1", title: "Café 東京 / ü", messages: ["a/b 🙂", "réponse"])
        conversation.persona = "coach"
        conversation.mode = .decide
        conversation.messages[1].usage = TokenUsage(promptTokens: 3, completionTokens: 4)
        conversation.messages[1].finishReason = "stop"
        conversation.messages[1].reasoning = "thinking"
        try fixture.store.create(conversation)

        let stored = try fixture.reopen().load(id: "c1")
        #expect(stored.conversation == conversation)
        #expect(!stored.isReadOnly)
        #expect(stored.readOnlyReason == nil)
    }

    @Test func fileIsPrettySortedUnescapedJSONWithRequiredKeys() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", title: "東京 and/or", messages: ["un/escaped 你好"]))
        let data = try fixture.bytes("c1")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \""))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("東京 and/or"))
        #expect(text.contains("un/escaped 你好"))
        #expect(!text.contains("\\/"))
        #expect(!text.contains("\\u"))

        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["schemaVersion", "id", "title", "createdAt", "updatedAt", "mode", "messages"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["schemaVersion"] as? Int == Conversation.currentSchemaVersion)
        let messages = try #require(object["messages"] as? [[String: Any]])
        let message = try #require(messages.first)
        for key in ["id", "role", "content", "createdAt", "status"] {
            #expect(message[key] != nil, "missing message \(key)")
        }
        let createdAt = try #require(object["createdAt"] as? String)
        #expect(createdAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(createdAt)")
        // Sorted keys: "createdAt" comes before "id" which comes before "messages".
        let created = try #require(text.range(of: "\"createdAt\""))
        let id = try #require(text.range(of: "\"id\""))
        #expect(created.lowerBound < id.lowerBound)
    }

    /// A schema-1 file as this build writes it (kept verbatim so a format change cannot slip by),
    /// with one date lacking fractional seconds as other tools may write it.
    static let schemaOneFixture = """
        {
          "createdAt" : "2023-11-14T22:13:20.250Z",
          "id" : "20231114-221320-abcdef",
          "messages" : [
            {
              "content" : "Should I take the job? 要不要",
              "createdAt" : "2023-11-14T22:13:20Z",
              "id" : "m1",
              "role" : "user",
              "status" : "complete"
            },
            {
              "content" : "Let's weigh it up.",
              "createdAt" : "2023-11-14T22:13:25.500Z",
              "finishReason" : "stop",
              "id" : "m2",
              "model" : "small",
              "role" : "assistant",
              "status" : "complete",
              "usage" : {
                "completionTokens" : 6,
                "promptTokens" : 12
              }
            }
          ],
          "mode" : "decide",
          "schemaVersion" : 1,
          "title" : "",
          "updatedAt" : "2023-11-14T22:13:25.500Z"
        }

        """

    @Test func schemaOneFixtureLoads() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.writeRaw(Data(Self.schemaOneFixture.utf8), id: "20231114-221320-abcdef")
        let stored = try fixture.store.load(id: "20231114-221320-abcdef")
        #expect(!stored.isReadOnly)
        let conversation = stored.conversation
        #expect(conversation.mode == .decide)
        #expect(conversation.persona == nil)
        #expect(conversation.displayTitle == "Should I take the job? 要不要")
        #expect(conversation.createdAt == Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(conversation.messages[0].createdAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(conversation.messages[1].usage == TokenUsage(promptTokens: 12, completionTokens: 6))
        #expect(conversation.messages[1].finishReason == "stop")
        #expect(try fixture.store.resolve("20231114") == "20231114-221320-abcdef")

        let rewritten = String(decoding: try ConversationCoding.encode(conversation), as: UTF8.self)
        // Read as schema 2 (see MigrationTests); nothing else about it changes.
        #expect(conversation.schemaVersion == 2)
        #expect(rewritten == Self.schemaOneFixture.replacingOccurrences(of: "22:13:20Z", with: "22:13:20.000Z")
            .replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 2"))
    }

    @Test func theInternalStepMarkRoundTripsAndOlderFilesReadAsOrdinaryMessages() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var conversation = sampleConversation(id: "c1", title: "Train or fly?", messages: ["Decision: Train or fly?", "{}"])
        conversation.messages[0].internalStep = "asking for criteria"
        try fixture.store.create(conversation)
        let text = String(decoding: try fixture.bytes("c1"), as: UTF8.self)
        #expect(text.contains("\"internalStep\" : \"asking for criteria\""))
        #expect(text.components(separatedBy: "internalStep").count == 2)  // absent on the ordinary reply
        let stored = try fixture.reopen().load(id: "c1").conversation
        #expect(stored == conversation)
        #expect(stored.messages.map(\.isInternal) == [true, false])
        #expect(stored.schemaVersion == Conversation.currentSchemaVersion)
        // A file from before the mark: no message is internal, and it is rewritten unchanged.
        try fixture.writeRaw(Data(Self.schemaOneFixture.utf8), id: "20231114-221320-abcdef")
        let old = try fixture.store.load(id: "20231114-221320-abcdef").conversation
        #expect(old.messages.allSatisfy { !$0.isInternal && $0.internalStep == nil })
    }

    @Test func createRefusesAnExistingID() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", title: "first"))
        let before = try fixture.bytes("c1")
        #expect(throws: StoreError.alreadyExists(id: "c1")) {
            try fixture.store.create(sampleConversation(id: "c1", title: "second"))
        }
        #expect(try fixture.bytes("c1") == before)
    }

    @Test func invalidIDsNeverReachAPath() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for bad in ["../escape", "a/b", ".hidden", "", "x.json"] {
            #expect(throws: StoreError.invalidID(bad)) { try fixture.store.load(id: bad) }
            #expect(throws: StoreError.invalidID(bad)) { try fixture.store.update(id: bad) { _ in } }
        }
        #expect(throws: StoreError.invalidID("../x")) { try fixture.store.create(sampleConversation(id: "../x")) }
    }

    @Test func updateReReadsAppliesAndStampsUpdatedAt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let original = sampleConversation(id: "c1", messages: ["one"])
        try fixture.store.create(original)
        let other = try fixture.reopen()
        try other.update(id: "c1") { $0.messages.append(Message(role: .assistant, content: "two")) }
        let result = try fixture.store.update(id: "c1") { $0.messages.append(Message(role: .user, content: "three")) }
        #expect(result.messages.map(\.content) == ["one", "two", "three"])
        #expect(result.updatedAt > original.updatedAt)
        let loaded = try fixture.store.load(id: "c1").conversation
        #expect(loaded.messages.map(\.content) == ["one", "two", "three"])
    }

    @Test func updateThatChangesNothingDoesNotWrite() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1"))
        let before = try #require(Platform.stamp(ofPath: fixture.file("c1").path))
        try fixture.store.update(id: "c1") { _ in }
        #expect(Platform.stamp(ofPath: fixture.file("c1").path) == before)
    }

    @Test func updateMayNotChangeTheID() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1"))
        #expect(throws: StoreError.idChanged(from: "c1", to: "c2")) {
            try fixture.store.update(id: "c1") { $0.id = "c2" }
        }
        #expect(throws: StoreError.notFound(id: "missing")) { try fixture.store.update(id: "missing") { _ in } }
        #expect(throws: StoreError.notFound(id: "missing")) { try fixture.store.load(id: "missing") }
    }

    @Test func errorsAreOneLineAndNameTheID() {
        let errors: [StoreError] = [
            .notFound(id: "abc"), .ambiguousPrefix("ab", candidates: ["abc", "abd"]),
            .newerSchema(id: "abc", version: 9), .corrupt(file: "x/abc.json", quarantinedAs: "q/abc.json", reason: "empty"),
            .writeFailed(file: "x/abc.json", reason: "fsync failed"), .replyInProgress(id: "abc"),
        ]
        for error in errors {
            let line = oneLineDescription(of: error)
            #expect(!line.contains("\n"))
            #expect(line.contains("ab"))
        }
    }
}
