import ParleyCore
import Testing

@testable import ParleyHTTP

/// Pieces decoded from one network read travel on as one: consecutive text joins, consecutive
/// reasoning joins, and nothing else merges or moves.
@Suite("Reply event batches")
struct ReplyEventBatchTests {
    @Test func consecutiveTextAndReasoningJoinInOrder() {
        let events: [ReplyEvent] = [
            .reasoning("Let me "), .reasoning("think."), .text("Hel"), .text("lo"), .text(", world"),
            .usage(TokenUsage(promptTokens: 3, completionTokens: 4)), .finish(.stop),
        ]
        #expect(ReplyEventBatch.coalesce(events) == [
            .reasoning("Let me think."), .text("Hello, world"), .usage(TokenUsage(promptTokens: 3, completionTokens: 4)), .finish(.stop),
        ])
    }

    @Test func otherEventsSeparateRunsAndAreNeverMerged() {
        let events: [ReplyEvent] = [.text("a"), .notice("retrying"), .text("b"), .reasoning("r"), .text("c"), .notice("x"), .notice("y")]
        #expect(ReplyEventBatch.coalesce(events) == events)
    }

    @Test func theJoinedTextIsTheSameTextWhateverTheSplit() {
        let pieces = ["多", "字节", " text", "", "🙂", "\n", "end"]
        let joined = ReplyEventBatch.coalesce(pieces.map(ReplyEvent.text))
        #expect(joined == [.text(pieces.joined())])
        #expect(ReplyEventBatch.coalesce([]) == [])
        #expect(ReplyEventBatch.coalesce([.text("one")]) == [.text("one")])
    }
}
