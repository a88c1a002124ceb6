import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

@Suite("Prefix resolution, search, trash")
struct LookupTests {
    @Test func resolveTakesExactIDsAndUniquePrefixes() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for id in ["20260101-120000-aaaaaa", "20260101-120000-abbbbb", "20260102-090000-cccccc", "abc", "abcd"] {
            try fixture.store.create(sampleConversation(id: id))
        }
        #expect(try fixture.store.resolve("20260102") == "20260102-090000-cccccc")
        #expect(try fixture.store.resolve("20260101-120000-ab") == "20260101-120000-abbbbb")
        #expect(try fixture.store.resolve("abc") == "abc")
        #expect(try fixture.store.resolve("abcd") == "abcd")
        #expect(try fixture.store.resolve("20260102-090000-CCC") == "20260102-090000-cccccc")
        #expect(throws: StoreError.ambiguousPrefix("20260101", candidates: ["20260101-120000-aaaaaa", "20260101-120000-abbbbb"])) {
            try fixture.store.resolve("20260101")
        }
        #expect(throws: StoreError.unknownPrefix("zzz")) { try fixture.store.resolve("zzz") }
        #expect(throws: StoreError.invalidID("../abc")) { try fixture.store.resolve("../abc") }
        #expect(throws: StoreError.unknownPrefix("")) { try fixture.store.resolve("") }
        let ambiguous = StoreError.ambiguousPrefix("2026", candidates: (1...7).map { "2026-\($0)" }).description
        #expect(ambiguous.contains("matches 7 conversations (2026-1, 2026-2, 2026-3, 2026-4, 2026-5, ...)"))
    }

    @Test func searchIsCaseInsensitiveAcrossTitlesAndMessagesIncludingCJK() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(
            sampleConversation(
                id: "trip", title: "Trip to Kyoto",
                messages: ["I love RAMEN and udon", "東京タワーに行きたいです。Straße is a street"], at: 1_700_000_100))
        try fixture.store.create(sampleConversation(id: "other", title: "Groceries", messages: ["ramen noodles x2"], at: 1_700_000_000))

        let ramen = try fixture.store.search("Ramen")
        #expect(ramen.map(\.conversation.id) == ["trip", "other"])
        #expect(ramen.map(\.messageID) == ["trip-m0", "other-m0"])
        #expect(ramen[0].snippet == "I love RAMEN and udon")

        let tokyo = try fixture.store.search("東京タワー")
        #expect(tokyo.count == 1)
        #expect(tokyo.first?.messageID == "trip-m1")
        #expect(tokyo.first?.snippet.contains("東京タワー") == true)

        let title = try fixture.store.search("kyoto")
        #expect(title.count == 1)
        #expect(title.first?.messageID == nil)
        #expect(title.first?.snippet == "Trip to Kyoto")
        #expect(title.first?.conversation.title == "Trip to Kyoto")

        #expect(try fixture.store.search("straße").count == 1)
        #expect(try fixture.store.search("nothing like this").isEmpty)
        #expect(try fixture.store.search("").isEmpty)
    }

    @Test func snippetIsOneShortLineAroundTheMatch() {
        let text = String(repeating: "lorem ipsum ", count: 20) + "the\nNEEDLE\tis here " + String(repeating: "dolor sit ", count: 20)
        let range = text.range(of: "needle", options: .caseInsensitive)!
        let snippet = SearchSnippet.make(text, around: range)
        #expect(snippet.hasPrefix("…"))
        #expect(snippet.hasSuffix("…"))
        #expect(snippet.contains("the NEEDLE is here"))
        #expect(!snippet.contains("\n") && !snippet.contains("\t"))
        #expect(snippet.count < 100)
    }

    @Test func trashAndRestoreMoveTheFile() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "keep", title: "keep"))
        try fixture.store.create(sampleConversation(id: "bin", title: "bin me"))
        let bytes = try fixture.bytes("bin")

        try fixture.store.trash(id: "bin")
        #expect(try fixture.store.list().map(\.id) == ["keep"])
        #expect(try fixture.store.listTrash().map(\.title) == ["bin me"])
        #expect(try Data(contentsOf: fixture.layout.trashFile("bin")) == bytes)
        #expect(throws: StoreError.notFound(id: "bin")) { try fixture.store.load(id: "bin") }
        #expect(throws: StoreError.notFound(id: "bin")) { try fixture.store.trash(id: "bin") }

        try fixture.store.restore(id: "bin")
        #expect(try fixture.bytes("bin") == bytes)
        #expect(try fixture.store.list().map(\.id).sorted() == ["bin", "keep"])
        #expect(try fixture.store.listTrash().isEmpty)
        #expect(throws: StoreError.notInTrash(id: "bin")) { try fixture.store.restore(id: "bin") }
    }

    @Test func trashedConversationsResolveByPrefixToo() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for id in ["20260101-120000-aaaaaa", "20260101-120000-abbbbb", "20260102-090000-cccccc"] {
            try fixture.store.create(sampleConversation(id: id))
            try fixture.store.trash(id: id)
        }
        try fixture.store.create(sampleConversation(id: "20260103-100000-dddddd"))
        #expect(try fixture.store.resolveInTrash("20260102") == "20260102-090000-cccccc")
        #expect(try fixture.store.resolveInTrash("20260101-120000-AB") == "20260101-120000-abbbbb")
        #expect(try fixture.store.resolveInTrash("20260101-120000-aaaaaa") == "20260101-120000-aaaaaa")
        #expect(throws: StoreError.ambiguousPrefix("20260101", candidates: ["20260101-120000-aaaaaa", "20260101-120000-abbbbb"])) {
            try fixture.store.resolveInTrash("20260101")
        }
        // Only what is in the trash: a live conversation is no answer.
        #expect(throws: StoreError.notInTrash(id: "20260103")) { try fixture.store.resolveInTrash("20260103") }
        #expect(throws: StoreError.invalidID("../x")) { try fixture.store.resolveInTrash("../x") }
        try fixture.store.restore(id: try fixture.store.resolveInTrash("20260102"))
        #expect(try fixture.store.load(id: "20260102-090000-cccccc").conversation.id == "20260102-090000-cccccc")
    }

    @Test func storeErrorsStateFactsWithoutCommandAdvice() {
        let errors: [StoreError] = [
            .notFound(id: "x"), .unknownPrefix("x"), .notInTrash(id: "x"), .trashSlotTaken(id: "x"), .alreadyExists(id: "x"),
            .invalidID("../x"),
        ]
        for error in errors { #expect(!error.description.contains("parley "), "\(error.description)") }
    }

    @Test func listTrashSkipsUnreadableFilesWithANotice() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "ok", title: "fine"))
        try fixture.store.trash(id: "ok")
        try Data("not json".utf8).write(to: fixture.layout.trashFile("broken"))
        #expect(try fixture.store.listTrash().map(\.id) == ["ok"])
        #expect(fixture.diagnostics.contains("skipped unreadable file trash/broken.json"))
    }

    @Test func restoreRefusesWhenTheIDExistsAgain() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "x", title: "original"))
        try fixture.store.trash(id: "x")
        try fixture.store.create(sampleConversation(id: "x", title: "newcomer"))
        #expect(throws: StoreError.restoreConflict(id: "x")) { try fixture.store.restore(id: "x") }
        #expect(try fixture.store.load(id: "x").conversation.title == "newcomer")
        #expect(try fixture.store.listTrash().map(\.title) == ["original"])
        #expect(throws: StoreError.trashSlotTaken(id: "x")) { try fixture.store.trash(id: "x") }
        #expect(try fixture.store.load(id: "x").conversation.title == "newcomer")
    }
}
