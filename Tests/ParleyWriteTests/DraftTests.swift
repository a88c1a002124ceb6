import Foundation
import ParleyCore
import ParleyStore
import Testing
@testable import ParleyWrite

@Suite("Drafts")
struct DraftTests {
    static let template = WritingTemplate(
        name: "email", kind: .document, description: "",
        fields: [TemplateField(name: "to", prompt: "To?", required: true)], instruction: "Write to {{to}}.")

    static func version(_ text: String, _ instruction: String = "shorter", at seconds: Double = 0) -> DraftVersion {
        DraftVersion(
            text: text, instruction: instruction, createdAt: Date(timeIntervalSince1970: 1_800_000_000 + seconds),
            backend: "openai", model: "m1", messageID: "20270115-080000-aaaaaa")
    }

    static func draft() throws -> Draft {
        let filled = try TemplateFiller.fill(template, values: ["to": "Sam Smith\nthe landlord"])
        return Draft(
            id: "20270115-080000-dddddd", template: template, filled: filled,
            first: version("Hi Sam,\nThe heater is broken.\nPlease fix it.\nAlex", filled.instruction),
            conversationID: "20270115-080000-cccccc")
    }

    @Test func startsAtVersionOneFromTheFirstGeneration() throws {
        let draft = try Self.draft()
        #expect(draft.versionCount == 1)
        #expect(draft.currentNumber == 1)
        #expect(draft.current.instruction == "Write to Sam Smith\nthe landlord.\n\nKeep it to about 200 words.")
        #expect(draft.template == "email" && draft.kind == .document)
        #expect(draft.fields == ["to": "Sam Smith\nthe landlord"])
        #expect(draft.title == "email: Sam Smith the landlord")
        #expect(draft.createdAt == draft.updatedAt)
        #expect(draft.schemaVersion == 1)
    }

    @Test func revisionsAppendAndBecomeCurrentAndPagingStopsAtTheEnds() throws {
        var draft = try Self.draft()
        draft.addRevision(Self.version("Hi Sam, please fix the heater. Alex", "shorter", at: 10))
        draft.addRevision(Self.version("Dear Mr Smith, kindly repair the heater. Alex", "more formal", at: 20))
        #expect(draft.versionCount == 3)
        #expect(draft.currentNumber == 3)
        #expect(draft.updatedAt == Date(timeIntervalSince1970: 1_800_000_020))
        var moved = draft.page(by: -1)
        #expect(moved)
        #expect(draft.current.instruction == "shorter")
        moved = draft.page(by: -5)
        #expect(moved)
        #expect(draft.currentNumber == 1)
        moved = draft.page(by: -1)
        #expect(!moved)
        #expect(draft.currentNumber == 1)
        moved = draft.page(by: 10)
        #expect(moved)
        #expect(draft.currentNumber == 3)
        try draft.select(version: 2)
        #expect(draft.current.text == "Hi Sam, please fix the heater. Alex")
        #expect(throws: DraftError.noSuchVersion(draft: draft.id, number: 4, count: 3)) { try draft.select(version: 4) }
        #expect(throws: DraftError.noSuchVersion(draft: draft.id, number: 0, count: 3)) { try draft.version(0) }
        #expect(DraftError.noSuchVersion(draft: "d", number: 4, count: 3).description == "draft d has no version 4; it has versions 1 to 3")
        // A revision made while looking at an older version still goes to the end.
        draft.addRevision(Self.version("Sam: heater. Alex", "even shorter", at: 30))
        #expect(draft.currentNumber == 4)
    }

    @Test func diffsAnyTwoVersions() throws {
        var draft = try Self.draft()
        draft.addRevision(Self.version("Hi Sam,\nThe heater is broken again.\nPlease fix it.\nAlex"))
        let diff = try draft.diff(from: 1, to: 2)
        #expect(diff.added == 1 && diff.removed == 1)
        #expect(diff.unified(fromLabel: "1", toLabel: "2").contains("-The heater is broken.\n+The heater is broken again.\n"))
        #expect(try !draft.diff(from: 2, to: 2).hasChanges)
        #expect(throws: DraftError.self) { try draft.diff(from: 1, to: 3) }
    }

    @Test func theRevisionPromptCarriesTheCurrentVersionAndTheRequest() throws {
        var draft = try Self.draft()
        draft.addRevision(Self.version("Second text"))
        try draft.select(version: 1)
        let prompt = draft.revisionPrompt("  more formal ")
        #expect(prompt.contains("Hi Sam,\nThe heater is broken.\nPlease fix it.\nAlex"))
        #expect(!prompt.contains("Second text"))
        #expect(prompt.contains("Change: more formal."))
        #expect(RevisionPrompt.make(current: "x()", instruction: "add a test?", kind: .code).contains("Change: add a test?\n"))
        #expect(RevisionPrompt.make(current: "x()", instruction: "rename", kind: .code).contains("only the new code"))
        #expect(RevisionPrompt.make(current: "Hi.\nBye.", instruction: "warmer", kind: .document) == """
            Rewrite the text below. Change: warmer.
            Keep everything else the same. Reply with only the new text.

            Text:
            Hi.
            Bye.
            """)
    }

    @Test func roundTripsThroughJSON() throws {
        var draft = try Self.draft()
        draft.controls = WritingControls(tone: .playful, length: .long, audience: "kids", language: "中文")
        draft.addRevision(Self.version("v2 🎉", at: 5))
        try draft.select(version: 1)
        let data = try ParleyJSON.encoder().encode(draft)
        let decoded = try ParleyJSON.decoder().decode(Draft.self, from: data)
        #expect(decoded == draft)
        #expect(try ParleyJSON.encoder().encode(decoded) == data)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["currentIndex"] as? Int == 0)
        #expect(object["conversationId"] as? String == "20270115-080000-cccccc")
        #expect(object["conversationID"] == nil)
        #expect((object["versions"] as? [[String: Any]])?.last?["status"] as? String == "complete")
    }

    /// Drafts written before every key took the `Id` spelling said `conversationID` and
    /// `messageID`: they still read, and are written back with `conversationId` and `messageId`.
    @Test func olderKeysStillReadAndAreWrittenInCamelCase() throws {
        let draft = try Self.draft()
        let data = try ParleyJSON.encoder().encode(draft)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"conversationId\" : ") && text.contains("\"messageId\" : "))
        #expect(!text.contains("conversationID") && !text.contains("messageID"))
        let older = text.replacingOccurrences(of: "\"conversationId\" : ", with: "\"conversationID\" : ")
            .replacingOccurrences(of: "\"messageId\" : ", with: "\"messageID\" : ")
        let decoded = try ParleyJSON.decoder().decode(Draft.self, from: Data(older.utf8))
        #expect(decoded == draft)
        #expect(decoded.conversationID == "20270115-080000-cccccc")
        #expect(decoded.versions[0].messageID == "20270115-080000-aaaaaa")
        #expect(try ParleyJSON.encoder().encode(decoded) == data)
    }

    @Test func decodingChecksTheVersions() throws {
        let draft = try Self.draft()
        var object = try #require(try JSONSerialization.jsonObject(with: ParleyJSON.encoder().encode(draft)) as? [String: Any])
        object["currentIndex"] = 7
        let clamped = try ParleyJSON.decoder().decode(Draft.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(clamped.currentIndex == 0)
        object["versions"] = [Any]()
        #expect(throws: DecodingError.self) {
            try ParleyJSON.decoder().decode(Draft.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }
}
