import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// The reducer makes no id of its own: every message, conversation and decision it creates takes
/// the next id of the generator it was given, so a test can say exactly which.
@Suite struct InjectedIDTests {
    @Test func aSentMessageAndItsPlaceholderTakeTheNextTwoIds() {
        let ids = CountingIDs()
        var h = ChatHarness(reducer: ids.reducer())
        h.type("hello")
        h.key(.enter)
        #expect(h.state.conversation.messages.map(\.id) == ["id1", "id2"])
        #expect(h.state.conversation.messages.map(\.createdAt) == [ChatHarness.epoch, ChatHarness.epoch])
    }

    @Test func aNewConversationTakesTheNextIdAndTheReducersClock() {
        let ids = CountingIDs()
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1), reducer: ids.reducer())
        h.send(.input(.key(.ctrl("n"))), at: 5)
        #expect(h.state.conversation.id == "id1")
        #expect(h.state.conversation.createdAt == ChatHarness.epoch.addingTimeInterval(5))
    }

    @Test func aSystemInstructionAndAPictureRequestTakeTheNextIds() {
        let ids = CountingIDs()
        var h = ChatHarness(stored: true, reducer: ids.reducer())
        h.state.input.set("/system be brief")
        h.key(.enter)
        h.state.input.set("/image a cat")
        h.key(.enter)
        #expect(h.state.conversation.messages.map(\.id) == ["id1", "id2", "id3"])
    }

    @Test func decideModeNamesItsDecisionAndTheFlowsMessagesWithTheNextIds() {
        let ids = CountingIDs()
        var h = ChatHarness(reducer: ids.reducer())
        h.state.input.set("/mode decide")
        h.key(.enter)
        #expect(h.state.decisionPanel?.record.id == "id1")
        h.send(.decisionPrompt("List the options", step: "asking for options"))
        #expect(h.state.conversation.messages.map(\.id) == ["id2", "id3"])
    }
}
