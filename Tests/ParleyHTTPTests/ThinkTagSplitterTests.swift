import ParleyCore
import Testing

@testable import ParleyHTTP

struct ThinkTagSplitterTests {
    /// Feeds `pieces`, then merges adjacent events of the same kind so splits do not matter.
    private func split(_ pieces: [String]) -> [ReplyEvent] {
        var splitter = ThinkTagSplitter()
        var events: [ReplyEvent] = []
        for piece in pieces { events += splitter.feed(piece) }
        events += splitter.finish()
        var merged: [ReplyEvent] = []
        for event in events {
            switch (merged.last, event) {
            case (.text(let a)?, .text(let b)): merged[merged.count - 1] = .text(a + b)
            case (.reasoning(let a)?, .reasoning(let b)): merged[merged.count - 1] = .reasoning(a + b)
            default: merged.append(event)
            }
        }
        return merged
    }

    private func everySplit(_ text: String) -> [[String]] {
        let characters = Array(text)
        var result: [[String]] = [[text], characters.map { String($0) }]
        for cut in 1..<characters.count {
            result.append([String(characters[..<cut]), String(characters[cut...])])
        }
        return result
    }

    @Test func reasoningThenAnswerWhereverTheChunksSplit() {
        for pieces in everySplit("<think>I should greet.</think>\n\nHello!") {
            #expect(split(pieces) == [.reasoning("I should greet."), .text("Hello!")], "\(pieces)")
        }
    }

    @Test func leadingWhitespaceBeforeTheTagIsAllowed() {
        #expect(split(["\n <think>x</think>y"]) == [.reasoning("x"), .text("y")])
    }

    @Test func plainTextPassesThrough() {
        for pieces in everySplit("Hello <think> is a tag") {
            #expect(split(pieces) == [.text("Hello <think> is a tag")], "\(pieces)")
        }
    }

    @Test func aShortAnswerThatLooksLikeATagStartIsNotLost() {
        #expect(split(["<th"]) == [.text("<th")])
        #expect(split(["<"]) == [.text("<")])
    }

    @Test func anUnclosedThinkIsAllReasoning() {
        #expect(split(["<think>still thinking </thi"]) == [.reasoning("still thinking </thi")])
    }

    @Test func partialSuffix() {
        #expect(ThinkTagSplitter.partialSuffix(of: "abc</th", matching: "</think>") == 4)
        #expect(ThinkTagSplitter.partialSuffix(of: "abc", matching: "</think>") == 0)
        #expect(ThinkTagSplitter.partialSuffix(of: "<", matching: "</think>") == 1)
    }
}
