import Foundation
import Testing
@testable import ParleyCore

@Suite("Conversation values")
struct ConversationTests {
    @Test func suggestedTitleCollapsesWhitespaceAndShortens() {
        #expect(Conversation.suggestedTitle(from: "  How do\n I   bake bread? ") == "How do I bake bread?")
        let long = String(repeating: "word ", count: 30)
        let title = Conversation.suggestedTitle(from: long)
        #expect(title.hasSuffix("…"))
        #expect(title.count <= 61)
        #expect(Conversation.suggestedTitle(from: "   ") == "(untitled)")
    }

    @Test func displayTitlePrefersStoredTitle() {
        var c = Conversation(messages: [Message(role: .user, content: "first question")])
        #expect(c.displayTitle == "first question")
        c.title = "Named"
        #expect(c.displayTitle == "Named")
    }

    @Test func identifiersAreValidSortableFileNames() {
        var rng = SeededGenerator(seed: 7)
        let a = Identifier.make(now: Date(timeIntervalSince1970: 1_700_000_000), using: &rng)
        let b = Identifier.make(now: Date(timeIntervalSince1970: 1_700_000_001), using: &rng)
        #expect(a.hasPrefix("20231114-221320-"))
        #expect(a < b)
        #expect(Identifier.isValid(a))
        for bad in ["", "../etc", "a/b", ".hidden", "a b", "x.json", String(repeating: "a", count: 200)] {
            #expect(!Identifier.isValid(bad), "\(bad) must be rejected")
        }
    }

    @Test func tokenEstimateCountsCJKPerCharacter() {
        #expect(TokenEstimator.estimate("") == 0)
        #expect(TokenEstimator.estimate("你好世界") == 4)
        #expect(TokenEstimator.estimate("hello world!") == 4)
    }
}

/// A small deterministic generator for tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
