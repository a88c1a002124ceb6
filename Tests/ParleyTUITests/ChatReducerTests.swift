import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

@Suite("Chat reducer")
struct ChatReducerTests {
    @Test func enterSendsAndStreamingBuildsTheReply() {
        var h = ChatHarness()
        h.type("hello 你好")
        let effects = h.key(.enter)
        #expect(effects == [.send(text: "hello 你好", conversationID: nil, persona: "assistant", mode: .chat, replacingFrom: nil)])
        #expect(h.state.input.isEmpty)
        #expect(h.state.phase == .waiting(since: ChatHarness.epoch))
        #expect(h.state.conversation.messages.map(\.role) == [.user, .assistant])
        h.send(.turnStarted(conversationID: "20270115-090000-zzzzzz", messageID: "reply1"))
        h.send(.turnText("Hi "), at: 1)
        h.send(.turnText("there"), at: 2)
        #expect(h.state.conversation.id == "20270115-090000-zzzzzz")
        #expect(h.state.conversation.messages.last?.content == "Hi there")
        guard case .streaming(_, let tokens) = h.state.phase else {
            Issue.record("not streaming")
            return
        }
        #expect(tokens >= 2)
        var final = h.state.conversation
        final.messages[1].status = .complete
        h.send(.turnFinished(final), at: 3)
        #expect(h.state.phase == .idle)
        #expect(h.state.isStored)
        #expect(h.state.lastRate != nil)
    }

    @Test func ctrlJAndAltEnterInsertNewlinesAndPastesNeverSend() {
        var h = ChatHarness()
        h.type("a")
        h.key(.ctrlJ)
        h.type("b")
        h.key(.altEnter)
        let result1 = h.send(.input(.paste("c\nd\r\n")))
        #expect(result1.isEmpty)
        #expect(h.state.input.text == "a\nb\nc\nd\n")
        #expect(h.effects.isEmpty)
    }

    @Test func ctrlCCancelsAStreamingReplyAndOtherwiseAsksBeforeQuitting() {
        var h = ChatHarness()
        h.type("question")
        h.key(.enter)
        let result2 = h.key(.ctrl("c"))
        #expect(result2 == [.cancelTurn])
        #expect(h.state.shouldQuit == false)
        var h2 = ChatHarness()
        let result3 = h2.key(.ctrl("c"))
        #expect(result3.isEmpty)
        #expect(h2.state.quitArmed)
        #expect(h2.state.notice?.text.contains("Ctrl-C again") == true)
        let result4 = h2.key(.ctrl("c"))
        #expect(result4 == [.quit])
        var h3 = ChatHarness()
        h3.key(.ctrl("c"))
        h3.type("x")
        #expect(h3.state.quitArmed == false)
        #expect(h3.key(.ctrl("c")).isEmpty)  // clears the input
        #expect(h3.state.input.isEmpty)
    }

    @Test func ctrlDQuitsOnlyOnEmptyInput() {
        var h = ChatHarness()
        h.type("ab")
        h.key(.home)
        let result5 = h.key(.ctrl("d"))
        #expect(result5.isEmpty)
        #expect(h.state.input.text == "b")
        h.key(.ctrl("u"))
        h.key(.ctrl("k"))
        let result6 = h.key(.ctrl("d"))
        #expect(result6 == [.quit])
    }

    @Test func anInterruptedReplyIsKeptAndExplained() {
        var h = ChatHarness()
        h.type("q")
        h.key(.enter)
        h.send(.turnText("partial"))
        var final = h.state.conversation
        final.messages[1].status = .interrupted
        final.messages[1].error = "cancelled by the user"
        h.send(.turnFinished(final))
        #expect(h.state.conversation.messages.last?.content == "partial")
        #expect(h.state.notice?.text.contains("interrupted") == true)
    }

    @Test func aTurnThatCannotStartPutsTheTextBack() {
        var h = ChatHarness()
        h.type("keep me")
        h.key(.enter)
        h.send(.turnFailed("cannot write the conversation: disk full"))
        #expect(h.state.input.text == "keep me")
        #expect(h.state.conversation.messages.isEmpty)
        #expect(h.state.notice?.isError == true)
    }

    @Test func sendingWhileBusyOrTooLargeIsRefused() {
        var h = ChatHarness()
        h.type("one")
        h.key(.enter)
        h.type("two")
        let result7 = h.key(.enter)
        #expect(result7.isEmpty)
        #expect(h.state.notice?.isError == true)
        var big = ChatHarness()
        big.send(.input(.paste(String(repeating: "x", count: 2_000_000))))
        let result8 = big.key(.enter)
        #expect(result8.isEmpty)
        #expect(big.state.notice?.text.contains("limit") == true)
        var tokens = ChatHarness()
        tokens.send(.input(.paste(String(repeating: "word ", count: 40_000))))
        let result9 = tokens.key(.enter)
        #expect(result9.isEmpty)
        #expect(tokens.state.notice?.text.contains("context") == true)
    }

    @Test func slashCommandsBecomeEffectsAndBadOnesOnlyShowAnError() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 2))
        h.type("/title Trip plans")
        let result10 = h.key(.enter)
        #expect(result10 == [.renameConversation(id: h.state.conversation.id, title: "Trip plans")])
        h.type("/mode decide")
        let result11 = h.key(.enter)
        #expect(result11 == [.setMode(conversationID: h.state.conversation.id, mode: .decide), .loadDecision(conversationID: h.state.conversation.id)])
        h.type("/frobnicate")
        let result12 = h.key(.enter)
        #expect(result12.isEmpty)
        #expect(h.state.notice?.isError == true)
        #expect(h.state.input.text == "/frobnicate")
        h.key(.ctrl("u"))
        h.type("/export pdf")
        let result13 = h.key(.enter)
        #expect(result13.isEmpty)
        #expect(h.state.notice?.text.contains("md or json") == true)
        h.key(.ctrl("u"))
        h.type("/copy")
        let result14 = h.key(.enter)
        #expect(result14 == [.copyToClipboard(h.state.conversation.messages.last!.content)])
        h.type("/search 中文")
        let result15 = h.key(.enter)
        #expect(result15 == [.search("中文")])
    }

    @Test func retryKeepsThePreviousReplyAsAnAlternative() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        let previousReply = h.state.conversation.messages[1]
        let previous = previousReply.content
        h.type("/retry")
        let effects = h.key(.enter)
        #expect(effects == [.retry(
            conversationID: h.state.conversation.id, userMessageID: "m00000", text: h.state.conversation.messages[0].content,
            previousVersions: [previous], previousReply: previousReply)])
        #expect(h.state.conversation.messages.count == 2)
        #expect(h.state.conversation.messages[1].status == .streaming)
        var final = h.state.conversation
        final.messages[1].content = "new answer"
        final.messages[1].status = .complete
        final.messages[1].alternatives = [previous, "new answer"]
        h.send(.turnFinished(final))
        let result16 = h.key(.altLeft)
        #expect(result16 == [.chooseAlternative(conversationID: final.id, messageID: final.messages[1].id, content: previous)])
        #expect(h.state.conversation.messages[1].content == previous)
        let result17 = h.key(.altLeft)
        #expect(result17.isEmpty)
        let result18 = h.key(.altRight)
        #expect(result18.count == 1)
    }

    @Test func upOnEmptyInputEditsTheLastMessageAndEnterResendsIt() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 2))
        h.key(.up)
        #expect(h.state.input.text == "Question 2: how do I do thing number 2?")
        #expect(h.state.editingMessageID == "m00002")
        h.key(.end)
        h.type(" Now!")
        let effects = h.key(.enter)
        #expect(effects == [.send(text: "Question 2: how do I do thing number 2? Now!", conversationID: h.state.conversation.id, persona: "assistant", mode: .chat, replacingFrom: "m00002")])
        #expect(h.state.conversation.messages.count == 4)
    }

    @Test func inputHistoryWithUpAndDown() {
        var h = ChatHarness()
        h.state.inputHistory = ["first", "second"]
        h.type("draft")
        h.key(.up)
        #expect(h.state.input.text == "second")
        h.key(.up)
        #expect(h.state.input.text == "first")
        h.key(.down)
        h.key(.down)
        #expect(h.state.input.text == "draft")
    }

    @Test func tabCompletesCommandsAndArguments() {
        var h = ChatHarness()
        h.type("/pe")
        h.key(.tab)
        #expect(h.state.input.text == "/persona ")
        h.type("c")
        h.key(.tab)
        #expect(h.state.input.text == "/persona c")
        #expect(h.state.notice?.text == "/persona coder  /persona critic")
        h.type("o")
        h.key(.tab)
        #expect(h.state.input.text == "/persona coder")
    }

    @Test func scrollingStaysWithinTheTranscriptAndHoldsStillWhileAReplyStreams() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 30))
        h.key(.pageUp)
        let page = ScreenGeometry(h.state).page
        #expect(h.state.scrollOffset == page)
        for _ in 0..<200 { h.key(.pageUp) }
        let top = h.state.scrollOffset
        let total = h.reducer.layout.lineCount(of: h.state.conversation.messages, width: 80, upTo: .max)
        #expect(top == total - ScreenGeometry(h.state).transcriptHeight)
        h.key(.pageDown)
        #expect(h.state.scrollOffset == top - page)
        // Streaming while scrolled up: the offset grows with the reply, so the view holds still.
        h.state.scrollOffset = 5
        h.type("more")
        h.key(.enter)
        #expect(h.state.scrollOffset == 0)  // sending jumps back to the end
        h.key(.pageUp)
        let before = h.state.scrollOffset
        h.send(.turnText("line\nline\nline\n"))
        #expect(h.state.scrollOffset > before)
        h.key(.escape)
        #expect(h.state.scrollOffset == 0)
        h.send(.input(.wheel(up: true)))
        #expect(h.state.scrollOffset == 3)
    }

    @Test func theConversationListFiltersSwitchesRenamesAndTrashesWithConfirmation() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        let result19 = h.key(.function(2))
        #expect(result19 == [.listConversations])
        let entries = [
            ConversationListEntry(id: "a1", title: "Holiday in Kyoto 京都", updatedAt: ChatHarness.epoch, messageCount: 4),
            ConversationListEntry(id: "b2", title: "Swift concurrency", updatedAt: ChatHarness.epoch, messageCount: 2),
        ]
        h.send(.conversationsListed(entries))
        h.type("京")
        guard case .list(let list) = h.state.overlay else {
            Issue.record("list not open")
            return
        }
        #expect(list.visibleEntries.map(\.id) == ["a1"])
        h.key(.backspace)
        h.key(.down)
        h.key(.ctrl("r"))
        h.key(.ctrl("u"))
        for _ in 0..<20 { h.key(.backspace) }
        h.type("Async")
        let result20 = h.key(.enter)
        #expect(result20 == [.renameConversation(id: "b2", title: "Async")])
        h.key(.delete)
        guard case .confirm = h.state.overlay else {
            Issue.record("no confirmation")
            return
        }
        let result21 = h.key(.character("n"))
        #expect(result21.isEmpty)
        #expect(h.state.overlay == .none)
        h.key(.ctrl("b"))
        h.send(.conversationsListed(entries))
        h.key(.delete)
        let result22 = h.key(.character("y"))
        #expect(result22 == [.trashConversation(id: "a1"), .listConversations])
        h.key(.escape)
        h.key(.function(2))
        h.send(.conversationsListed(entries))
        let result23 = h.key(.enter)
        #expect(result23 == [.openConversation(id: "a1")])
    }

    @Test func helpOpensWithF1OrQuestionMarkOnEmptyInput() {
        var h = ChatHarness()
        h.key(.character("?"))
        #expect(h.state.overlay == .help)
        h.key(.escape)
        h.type("why?")
        #expect(h.state.overlay == .none)
        #expect(h.state.input.text == "why?")
        h.key(.function(1))
        #expect(h.state.overlay == .help)
    }

    @Test func terminateCancelsAndQuits() {
        var h = ChatHarness()
        h.type("q")
        h.key(.enter)
        let result24 = h.send(.terminate)
        #expect(result24 == [.cancelTurn, .quit])
        #expect(h.state.shouldQuit)
    }

    @Test func resizeToOneByOneIsFine() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 3))
        h.state.scrollOffset = 10
        h.send(.resize(width: 1, height: 1))
        let buffer = h.render()
        #expect(buffer.width == 1 && buffer.height == 1)
        h.send(.resize(width: 0, height: 0))
        #expect(h.render().cells.isEmpty)
    }
}

@Suite("Reasoning and the crisis notice in the transcript")
struct ReasoningAndCrisisTests {
    func transcriptText(_ h: ChatHarness) -> String { h.render().textRows.joined(separator: "\n") }

    @Test func reasoningArrivesApartFromTheTextAndIsFoldedByDefault() {
        var h = ChatHarness()
        h.type("think first")
        h.key(.enter)
        h.send(.turnStarted(conversationID: "20270115-090000-zzzzzz", messageID: "r1"))
        h.send(.turnReasoning("step one\nstep two\n"), at: 1)
        h.send(.turnReasoning("step three"), at: 1)
        let reply = h.state.conversation.messages.last
        #expect(reply?.reasoning == "step one\nstep two\nstep three")
        #expect(reply?.content == "")
        #expect(h.state.contextTokens == ChatState.estimateContext(h.state.conversation))
        guard case .streaming = h.state.phase else {
            Issue.record("reasoning should count as streaming")
            return
        }
        let folded = transcriptText(h)
        #expect(folded.contains("▸ thinking… (3 lines)"))
        #expect(!folded.contains("step two"))
        h.send(.turnText("The answer."), at: 2)
        #expect(transcriptText(h).contains("▸ thinking (3 lines)"))
    }

    @Test func thinkAndCtrlTToggleTheFullReasoning() {
        var reply = ChatHarness.message(.assistant, "Answer.", index: 1)
        reply.reasoning = "first thought\nsecond thought"
        var h = ChatHarness(messages: [ChatHarness.message(.user, "Q", index: 0), reply])
        #expect(!transcriptText(h).contains("second thought"))
        h.type("/think")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.showsReasoning)
        #expect(transcriptText(h).contains("┊ second thought"))
        h.key(.ctrl("t"))
        #expect(!h.state.showsReasoning)
        #expect(!transcriptText(h).contains("second thought"))
    }

    @Test func reasoningOnlyAppliesToTheStreamingReply() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        h.send(.turnReasoning("stray"))
        #expect(h.state.conversation.messages.allSatisfy { $0.reasoning == nil })
    }

    @Test func theCrisisNoticeFollowsTheUserMessageAndSurvivesReloading() {
        var h = ChatHarness()
        h.type("I keep thinking about suicide")
        h.key(.enter)
        let live = transcriptText(h)
        #expect(live.contains("Support is available"))
        #expect(live.contains("988"))
        let reopened = ChatHarness(messages: h.state.conversation.messages.filter { $0.role == .user })
        #expect(transcriptText(reopened).contains("Support is available"))
        let calm = ChatHarness(messages: [ChatHarness.message(.user, "How do I kill a process on Linux?", index: 0)])
        #expect(!transcriptText(calm).contains("Support is available"))
    }

    @Test func aCrisisWordInTheReplyAloneShowsNoNotice() {
        let messages = [
            ChatHarness.message(.user, "Tell me about the history of bridges", index: 0),
            ChatHarness.message(.assistant, "Some people jump off a bridge in films; here is the history.", index: 1),
        ]
        #expect(!transcriptText(ChatHarness(messages: messages)).contains("Support is available"))
    }

    @Test func theServersModelsCompleteModelAndASwitchedBackendAsksAgain() {
        var h = ChatHarness()
        h.send(.modelsListed(["qwen", "llama", "test-model", ""]))
        #expect(h.state.knownModels == ["llama", "qwen", "test-model"])
        h.type("/model q")
        h.key(.tab)
        #expect(h.state.input.text == "/model qwen")
        let effects = h.send(.backendChanged(BackendInfo(name: "other", model: "m2", contextSize: 4096)))
        #expect(effects == [.listModels])
        #expect(h.state.knownModels == ["m2"])
    }
}
