import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

@Suite("Chat screen: rating, choosing and correcting replies")
struct FeedbackTests {
    let conversationID = "20270115-080000-abcdef"

    /// Two turns; the second reply has three versions and shows the newest.
    func regenerated() -> ChatHarness {
        var messages = ChatHarness.conversation(turns: 2)
        messages[3].content = "Third try"
        messages[3].alternatives = ["First try", "Second try", "Third try"]
        return ChatHarness(messages: messages)
    }

    func screenText(_ h: ChatHarness) -> String { h.render().textRows.joined(separator: "\n") }

    @Test func commandsParse() {
        #expect(SlashCommand.parse("/rate up") == .success(.rate(.up, note: nil)))
        #expect(SlashCommand.parse("/rate DOWN  too long, and vague ") == .success(.rate(.down, note: "too long, and vague")))
        #expect(SlashCommand.parse("/prefer 2") == .success(.prefer(2)))
        #expect(SlashCommand.parse("/ideal") == .success(.ideal))
        for bad in ["/rate", "/rate sideways", "/prefer", "/prefer 0", "/prefer two", "/ideal now"] {
            guard case .failure(let error) = SlashCommand.parse(bad) else {
                Issue.record("\(bad) parsed")
                continue
            }
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
        }
        #expect(SlashCompleter.candidates(for: "/rate d", personas: [], backends: [], models: []) == ["/rate down"])
    }

    @Test func helpListsEachCommandOnceAndTheFeedbackKeys() {
        let names = SlashCommand.catalogue.map(\.name)
        #expect(names.count == Set(names).count)
        #expect(names.filter { $0 == "copy" }.count == 1)
        for name in ["rate", "prefer", "ideal"] { #expect(names.contains(name)) }
        #expect(HelpView.keys.contains { $0.0 == "Alt-↑ Alt-↓" })
        #expect(HelpView.keys.contains { $0.0 == "Alt-= Alt--" })
    }

    @Test func rateGoesToTheLastReplyWithItsNoteAndShowsAMark() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 2))
        h.type("/rate down rambling")
        let effects = h.key(.enter)
        #expect(effects == [.saveFeedback(conversationID: conversationID, messageID: "m00003", .rate(version: 1, .down, note: "rambling"))])
        #expect(h.state.conversation.messages[3].feedback?.rating(of: 1)?.note == "rambling")
        #expect(h.state.notice?.text == "rated the reply down (noted: \u{201C}rambling\u{201D})")
        #expect(screenText(h).contains("Assistant · test-model  -1"))
        // Rating again replaces the rating; the key does the same as the command.
        #expect(h.key(.alt("=")) == [.saveFeedback(conversationID: conversationID, messageID: "m00003", .rate(version: 1, .up, note: nil))])
        #expect(h.state.conversation.messages[3].feedback?.ratings.map(\.rating) == [.up])
        #expect(screenText(h).contains("Assistant · test-model  +1"))
    }

    @Test func theReplyCursorChoosesAnEarlierReplyAndEscGoesBackToTheLast() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 3))
        h.key(.altUp)
        #expect(h.state.replyCursor == "m00003")
        h.key(.altUp)
        h.key(.altUp)
        #expect(h.state.replyCursor == "m00001")
        #expect(h.state.scrollOffset > 0)
        #expect(screenText(h).contains("▸ Assistant · test-model"))
        #expect(h.key(.alt("-")) == [.saveFeedback(conversationID: conversationID, messageID: "m00001", .rate(version: 1, .down, note: nil))])
        #expect(h.state.conversation.messages[5].feedback == nil)
        h.key(.escape)
        #expect(h.state.replyCursor == nil)
        h.type("/rate up")
        #expect(h.key(.enter) == [.saveFeedback(conversationID: conversationID, messageID: "m00005", .rate(version: 1, .up, note: nil))])
        // Alt-↓ past the newest reply also goes back to following the last one.
        h.key(.altUp)
        #expect(h.state.replyCursor == "m00003")
        h.key(.altDown)
        #expect(h.state.replyCursor == "m00005")
        h.key(.altDown)
        #expect(h.state.replyCursor == nil)
        #expect(h.state.scrollOffset == 0)
    }

    @Test func preferChoosesAVersionShowsItAndMarksTheOthersRejected() {
        var h = regenerated()
        #expect(screenText(h).contains("‹3/3›"))
        h.type("/prefer 2")
        #expect(h.key(.enter) == [.saveFeedback(conversationID: conversationID, messageID: "m00003", .prefer(version: 2))])
        #expect(h.state.conversation.messages[3].content == "Second try")
        #expect(h.state.notice?.text == "chose version 2 of 3; the other 2 are rejected")
        #expect(screenText(h).contains("‹2/3›  ✓chosen"))
        // Paging to another version shows it as rejected.
        h.key(.altLeft)
        #expect(screenText(h).contains("‹1/3›  ✗rejected"))
        h.type("/prefer 4")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.notice == ChatNotice("the reply has 3 versions; choose one from 1 to 3, not 4", isError: true))
        var single = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        single.type("/prefer 1")
        #expect(single.key(.enter).isEmpty)
        #expect(single.state.notice?.isError == true)
        #expect(single.state.conversation.messages[1].feedback == nil)
    }

    @Test func idealOpensTheEditorOnTheShownVersionAndKeepsWhatWasWritten() {
        var h = regenerated()
        h.type("/ideal")
        #expect(h.key(.enter) == [.editIdeal(conversationID: conversationID, messageID: "m00003", version: 3, text: "Third try")])
        // Unchanged or emptied: nothing is saved.
        let unchanged = h.send(.idealEdited(conversationID: conversationID, messageID: "m00003", version: 3, original: "Third try", edited: "Third try\n"))
        #expect(unchanged.isEmpty)
        #expect(h.state.notice?.text == "the text is unchanged; no ideal answer was saved")
        #expect(h.send(.idealEdited(conversationID: conversationID, messageID: "m00003", version: 3, original: "Third try", edited: " \n")).isEmpty)
        let saved = h.send(.idealEdited(conversationID: conversationID, messageID: "m00003", version: 3, original: "Third try", edited: "The answer I wanted.\n"))
        #expect(saved == [.saveFeedback(conversationID: conversationID, messageID: "m00003", .ideal(version: 3, text: "The answer I wanted."))])
        #expect(screenText(h).contains("‹3/3›  ✎ideal"))
        // A second /ideal starts from the answer already written.
        h.type("/ideal")
        #expect(h.key(.enter) == [.editIdeal(conversationID: conversationID, messageID: "m00003", version: 3, text: "The answer I wanted.")])
    }

    @Test func feedbackWaitsForTheStreamAndIsRefusedOnReadOnlyOrEmptyConversations() {
        var empty = ChatHarness()
        empty.type("/rate up")
        #expect(empty.key(.enter).isEmpty)
        #expect(empty.state.notice?.text == "no reply to give feedback on yet")

        var readOnly = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        readOnly.state.isReadOnly = true
        #expect(readOnly.key(.alt("=")).isEmpty)
        #expect(readOnly.state.notice == ChatReducer.readOnlyNotice)

        var busy = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        busy.type("next question")
        busy.key(.enter)
        busy.type("/ideal")
        #expect(busy.key(.enter).isEmpty)
        #expect(busy.state.notice == ChatReducer.busyNotice)
        #expect(busy.state.conversation.messages.allSatisfy { $0.feedback == nil })
    }
}
