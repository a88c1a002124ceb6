import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// The status line's context meter: exact up to the newest reply whose backend counted its tokens
/// (system prompt and examples included), estimated after it and where nothing was counted.
@Suite("Context meter")
struct ContextMeterTests {
    static func counted(_ messages: [Message], promptTokens: Int, completionTokens: Int) -> [Message] {
        var messages = messages
        messages[messages.count - 1].usage = TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens)
        return messages
    }

    @Test func withoutCountsTheWholeConversationIsEstimated() {
        let messages = ChatHarness.conversation(turns: 2)
        let expected = messages.reduce(0) { $0 + TokenEstimator.estimate($1.content) + TokenEstimator.perMessageOverhead }
        #expect(ChatState.estimateContext(Conversation(messages: messages)) == expected)
    }

    @Test func theNewestCountedReplyIsExactAndOnlyWhatFollowsIsEstimated() {
        var messages = ContextMeterTests.counted(ChatHarness.conversation(turns: 2), promptTokens: 700, completionTokens: 50)
        #expect(ChatState.estimateContext(Conversation(messages: messages)) == 750)
        let later = Message(role: .user, content: "And one more thing?")
        messages.append(later)
        #expect(ChatState.estimateContext(Conversation(messages: messages)) == 750 + TokenEstimator.estimate(later.content) + TokenEstimator.perMessageOverhead)
    }

    @Test func aFinishedTurnShowsTheBackendsCountOnTheStatusLine() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        h.type("hello")
        h.key(.enter)
        h.send(.turnStarted(conversationID: h.state.conversation.id, messageID: "r2"))
        h.send(.turnText("Hi there."), at: 1)
        var stored = h.state.conversation
        stored.messages[stored.messages.count - 1].status = .complete
        stored.messages[stored.messages.count - 1].usage = TokenUsage(promptTokens: 1234, completionTokens: 3)
        h.send(.turnFinished(stored), at: 2)
        #expect(h.state.contextTokens == 1237)
        #expect(h.render(now: 2).rowText(23).contains("ctx 1.2k/8.2k"))
    }
}
