import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

@Suite("Unreadable files are quarantined intact; newer schemas are read-only")
struct QuarantineTests {
    /// Damaged versions of a valid file, by kind.
    static func damaged(_ kind: String, valid: Data) -> Data {
        switch kind {
        case "corrupt": return Data("{ \"schemaVersion\": 1, oops".utf8)
        case "truncated": return valid.prefix(valid.count / 2)
        case "nul-padded": return valid.prefix(valid.count / 3) + Data(repeating: 0, count: 4096)
        case "all-nul": return Data(repeating: 0, count: 512)
        case "empty": return Data()
        case "not-a-conversation": return Data("[1, 2, 3]\n".utf8)
        case "missing-field": return Data("{\"schemaVersion\": 1, \"id\": \"bad\"}".utf8)
        default: return Data("binary \u{01}\u{02}".utf8)
        }
    }

    @Test(arguments: ["corrupt", "truncated", "nul-padded", "all-nul", "empty", "not-a-conversation", "missing-field", "binary"])
    func unreadableFileIsMovedIntactAndTheRestStillList(kind: String) throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "good1", title: "one"))
        try fixture.store.create(sampleConversation(id: "good2", title: "two"))
        try fixture.store.create(sampleConversation(id: "bad", title: "will break", messages: ["a", "b", "c"]))
        let bad = Self.damaged(kind, valid: try fixture.bytes("bad"))
        try fixture.writeRaw(bad, id: "bad")

        do {
            _ = try fixture.store.load(id: "bad")
            Issue.record("loading a \(kind) file succeeded")
        } catch let StoreError.corrupt(file, quarantinedAs, reason) {
            #expect(file.hasSuffix("bad.json"))
            #expect(quarantinedAs?.hasSuffix("quarantine/bad.json") == true)
            #expect(!reason.isEmpty && !reason.contains("\n"))
        }
        let moved = fixture.layout.quarantine.appendingPathComponent("bad.json")
        #expect(try Data(contentsOf: moved) == bad)
        #expect(!FileManager.default.fileExists(atPath: fixture.file("bad").path))
        #expect(fixture.diagnostics.contains("moved corrupt conversation file bad.json to quarantine/bad.json: "))
        #expect(try fixture.store.list().map(\.id).sorted() == ["good1", "good2"])
    }

    @Test func listQuarantinesAndNeverOverwritesAnEarlierQuarantinedFile() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "good", title: "good"))
        let first = Data("first broken".utf8)
        let second = Data("second broken, different".utf8)
        let third = Data()
        try fixture.writeRaw(first, id: "bad")
        #expect(try fixture.store.list().map(\.id) == ["good"])
        try fixture.writeRaw(second, id: "bad")
        #expect(try fixture.store.list().map(\.id) == ["good"])
        try fixture.writeRaw(third, id: "bad")
        #expect(throws: StoreError.self) { try fixture.store.load(id: "bad") }

        let quarantine = fixture.layout.quarantine
        #expect(fixture.names(in: quarantine) == ["bad.json", "bad.json.1", "bad.json.2"])
        #expect(try Data(contentsOf: quarantine.appendingPathComponent("bad.json")) == first)
        #expect(try Data(contentsOf: quarantine.appendingPathComponent("bad.json.1")) == second)
        #expect(try Data(contentsOf: quarantine.appendingPathComponent("bad.json.2")) == third)
        #expect(fixture.diagnostics.contains("to quarantine/bad.json.1"))
    }

    @Test func searchSkipsUnreadableFiles() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "good", messages: ["needle here"]))
        try fixture.writeRaw(Data("needle but not json".utf8), id: "bad")
        let hits = try fixture.store.search("needle")
        #expect(hits.map(\.conversation.id) == ["good"])
        #expect(fixture.names(in: fixture.layout.quarantine) == ["bad.json"])
    }

    static let newerFile = """
        {
          "schemaVersion": 99,
          "id": "future",
          "title": "From the future",
          "createdAt": "2023-11-14T22:13:20.000Z",
          "updatedAt": "2023-11-14T22:13:21.500Z",
          "mode": "chat",
          "hologram": {"depth": 3},
          "messages": [
            {"id": "m1", "role": "user", "content": "hello", "createdAt": "2023-11-14T22:13:20.000Z", "status": "complete"},
            {"id": "m2", "role": "tool", "content": {"call": "x"}, "createdAt": "2023-11-14T22:13:20.000Z", "status": "complete"}
          ]
        }

        """

    @Test func newerSchemaLoadsReadOnlyAndIsNeverRewritten() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let original = Data(Self.newerFile.utf8)
        try fixture.writeRaw(original, id: "future")
        let stampBefore = Platform.stamp(ofPath: fixture.file("future").path)

        let stored = try fixture.store.load(id: "future")
        #expect(stored.isReadOnly)
        #expect(stored.readOnlyReason?.contains("schema 99") == true)
        #expect(stored.conversation.title == "From the future")
        #expect(stored.conversation.messages.map(\.id) == ["m1"])
        #expect(stored.conversation.schemaVersion == 99)

        #expect(throws: StoreError.newerSchema(id: "future", version: 99)) {
            try fixture.store.update(id: "future") { $0.title = "downgraded" }
        }
        #expect(throws: StoreError.newerSchema(id: "future", version: 99)) {
            _ = try fixture.store.beginReply(conversationID: "future", messageID: "r")
        }
        let listed = try fixture.store.list()
        #expect(listed.map(\.id) == ["future"])
        #expect(listed.first?.messageCount == 1)
        _ = try fixture.store.search("hello")
        #expect(try fixture.bytes("future") == original)
        #expect(Platform.stamp(ofPath: fixture.file("future").path) == stampBefore)
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
        let description = StoreError.newerSchema(id: "future", version: 99).description
        #expect(description.contains("written by a newer Parley (schema 99); opened read-only"))
    }
}
