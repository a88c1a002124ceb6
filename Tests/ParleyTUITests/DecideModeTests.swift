import Foundation
import ParleyCore
import ParleyDecide
import Testing

@testable import ParleyTUI

/// Decide mode in the reducer: entering it, the question starting the flow, the flow's events
/// filling the panel, edits with the totals following at once, refusals, completion, and the
/// effects that run the flow and save the record.
@Suite("Decide mode")
struct DecideModeTests {
    /// A harness in decide mode whose panel holds the side panel tests' laptop record.
    static func withRecord(width: Int = 100, height: Int = 30, stored: Bool = true) -> ChatHarness {
        var h = ChatHarness(width: width, height: height, stored: stored)
        h.state.conversation.mode = .decide
        var record = SidePanelTests.record()
        record.conversationID = h.state.conversation.id
        h.state.panel = .decision(DecisionPanel(record: record))
        return h
    }

    static func panel(_ h: ChatHarness) -> DecisionPanel? { h.state.decisionPanel }

    @Test func exportInDecideModeWritesTheDecisionNotTheTranscript() {
        var h = DecideModeTests.withRecord()
        h.state.conversation.messages = ChatHarness.conversation(turns: 1)
        h.type("/export md notes.md")
        let effects = h.key(.enter)
        #expect(effects == [.exportDecision(SidePanelTests.record().withConversation(h.state.conversation.id), format: .md, path: "notes.md")])
        h.type("/mode chat")
        h.key(.enter)
        h.type("/export json")
        guard case .export(_, .json, nil)? = h.key(.enter).first else { Issue.record("chat mode exports the conversation"); return }
    }

    @Test func modeDecideOpensThePanelAndLeavingClosesIt() {
        var h = ChatHarness(width: 100, height: 30)
        h.type("/mode decide")
        let effects = h.key(.enter)
        #expect(effects.isEmpty)  // not stored yet: nothing to record or read back
        #expect(h.state.conversation.mode == .decide)
        let panel = Self.panel(h)
        #expect(panel?.record.question == "")
        #expect(panel?.record.conversationID == h.state.conversation.id)
        #expect(h.state.notice?.text == "decide mode: your next message is the question")
        #expect(h.render().textRows.contains { $0.contains("No question yet") })
        h.type("/mode chat")
        h.key(.enter)
        #expect(h.state.panel == nil)
        #expect(h.state.conversation.mode == .chat)
    }

    @Test func onAStoredConversationTheModeIsSavedAndItsDecisionReadBack() {
        var h = ChatHarness(width: 100, height: 30, messages: ChatHarness.conversation(turns: 1))
        h.type("/mode decide")
        let effects = h.key(.enter)
        let id = h.state.conversation.id
        #expect(effects == [.setMode(conversationID: id, mode: .decide), .loadDecision(conversationID: id)])
        var saved = SidePanelTests.record()
        saved.conversationID = id
        h.send(.decisionLoaded(saved, conversationID: id))
        #expect(Self.panel(h)?.record == saved)
        #expect(h.state.notice?.text.contains("reopened") == true)
        // A record of another conversation (a late answer) is not taken.
        var other = saved
        other.id = "20270115-090000-zzzzzz"
        h.send(.decisionLoaded(other, conversationID: "20270115-090000-yyyyyy"))
        #expect(Self.panel(h)?.record == saved)
    }

    @Test func onANarrowScreenTheNoticeNamesF3() {
        var h = ChatHarness(width: 50, height: 20)
        h.type("/mode decide")
        h.key(.enter)
        #expect(h.state.notice?.text == "decide mode: your next message is the question (F3 shows the decision panel)")
        #expect(!ScreenGeometry(h.state).showsPanel)
    }

    @Test func openingAConversationInDecideModeBringsThePanelAndOtherModesCloseIt() {
        var h = ChatHarness(width: 100, height: 30)
        var conversation = Conversation(id: "20270115-090000-decide", title: "Laptop", createdAt: ChatHarness.epoch, persona: "assistant", mode: .decide)
        conversation.messages = ChatHarness.conversation(turns: 1)
        let effects = h.send(.conversationLoaded(conversation, readOnly: false))
        #expect(effects == [.loadDecision(conversationID: "20270115-090000-decide")])
        #expect(Self.panel(h) != nil)
        var chat = conversation
        chat.id = "20270115-090000-chatty"
        chat.mode = .chat
        #expect(h.send(.conversationLoaded(chat, readOnly: false)).isEmpty)
        #expect(h.state.panel == nil)
        // Ctrl-N (a new chat) closes it too.
        h.send(.conversationLoaded(conversation, readOnly: false))
        h.key(.ctrl("n"))
        #expect(h.state.panel == nil)
    }

    @Test func aStoredConversationInDecideModeGetsItsPanelAtStartUp() {
        var h = ChatHarness(width: 100, height: 30, messages: ChatHarness.conversation(turns: 1))
        #expect(h.reducer.reopenPanel(&h.state, now: ChatHarness.epoch).isEmpty)  // chat mode: no panel
        #expect(h.state.panel == nil)
        h.state.conversation.mode = .decide
        #expect(h.reducer.reopenPanel(&h.state, now: ChatHarness.epoch) == [.loadDecision(conversationID: h.state.conversation.id)])
        #expect(Self.panel(h) != nil)
        var unsaved = ChatHarness(width: 100, height: 30)
        unsaved.state.conversation.mode = .decide
        #expect(unsaved.reducer.reopenPanel(&unsaved.state, now: ChatHarness.epoch).isEmpty)
    }

    @Test func theQuestionRunsTheFlowAndItsEventsFillThePanel() throws {
        var h = ChatHarness(width: 100, height: 30)
        h.type("/mode decide")
        h.key(.enter)
        h.type("Which laptop should I buy?")
        let effects = h.key(.enter)
        guard case .runDecision(let record, let conversationID, let create)? = effects.first, effects.count == 1 else {
            Issue.record("expected one runDecision effect, got \(effects)")
            return
        }
        #expect(record.question == "Which laptop should I buy?")
        #expect(record.backend == "openai" && record.model == "test-model")
        #expect(conversationID == h.state.conversation.id && record.conversationID == conversationID)
        // The conversation had no file: it is created first, in decide mode, titled by the question.
        #expect(create?.id == conversationID && create?.mode == .decide && create?.title == "Which laptop should I buy?")
        #expect(h.state.isStored && h.state.isBusy)
        #expect(Self.panel(h)?.isRunning == true)
        #expect(h.state.input.isEmpty)
        // The question is not sent as a chat message: the flow's prompts are.
        #expect(h.state.conversation.messages.isEmpty)

        h.send(.decisionStage("asking for options"))
        h.send(.decisionPrompt("Question: Which laptop should I buy?\nList 3 options", step: "asking for options"))
        h.send(.turnText("1. Alpha\n2. Beta"), at: 1)
        #expect(h.state.conversation.messages.map(\.role) == [.user, .assistant])
        #expect(h.state.conversation.messages[1].content == "1. Alpha\n2. Beta")
        var partial = record
        try partial.addOption("Alpha", givenBy: .model)
        try partial.addOption("Beta", givenBy: .model)
        h.send(.decisionPartial(partial))
        h.send(.decisionStage("asking for criteria and weights"))
        h.send(.decisionPrompt("List 4 criteria", step: "asking for criteria"))
        #expect(h.state.conversation.messages[1].status == .complete)
        #expect(h.state.conversation.messages[3].status == .streaming)
        let running = h.render()
        #expect(running.textRows.contains { $0.contains("… asking for criteria and weights") })
        #expect(running.textRows.contains { $0.contains("• Alpha") })
        // Edits wait for the flow; Ctrl-C stops it like a reply.
        h.type("/option add Gamma")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.notice?.text == DecideFeature.flowRunning)
        #expect(h.key(.ctrl("c")) == [.cancelTurn])

        var final = SidePanelTests.record()
        final.id = record.id
        final.question = record.question
        var stored = h.state.conversation
        stored.messages = stored.messages.map { var m = $0; m.status = .complete; return m }
        h.send(.decisionFinished(final, stored), at: 2)
        #expect(!h.state.isBusy)
        #expect(Self.panel(h)?.isRunning == false)
        #expect(Self.panel(h)?.record == final)
        // Beta's one scored criterion gives it 8.00 (marked as having an unscored one); Alpha 5.25.
        #expect(h.state.notice?.text == "decision saved (\(record.id)); Beta leads with 8.00")
        #expect(h.render().textRows.contains { $0.contains("2. Alpha  5.25") })
    }

    @Test func theFlowsPromptsAreDimStepsNotYouMessages() {
        var h = ChatHarness(width: 100, height: 30)
        h.type("/mode decide")
        h.key(.enter)
        h.type("Should I take the train or fly?")
        h.key(.enter)
        h.send(.decisionPrompt("Decision: Should I take the train or fly?\nList the criteria that matter most.", step: "asking for criteria"))
        h.send(.turnText(#"{"criteria": []}"#), at: 1)
        h.send(.decisionPrompt("Decision: Should I take the train or fly?\nOption: Train", step: "asking about Train"))
        // Kept in the conversation as the flow's own (the prompt's text stays for the file).
        let prompts = h.state.conversation.messages.filter { $0.role == .user }
        #expect(prompts.map(\.internalStep) == ["asking for criteria", "asking about Train"])
        #expect(prompts.allSatisfy { $0.isInternal })
        #expect(prompts.first?.content.hasPrefix("Decision: ") == true)
        let rows = h.render().textRows
        #expect(rows.contains { $0.contains("▸ asking for criteria…") })
        #expect(rows.contains { $0.contains("▸ asking about Train…") })
        #expect(!rows.contains { $0.contains("You") })
        #expect(!rows.contains { $0.contains("List the criteria") })
        // The step is dimmed.
        let buffer = h.render()
        let row = buffer.textRows.firstIndex { $0.contains("▸ asking for criteria") }!
        let column = (0..<buffer.width).first { buffer[$0, row].text == "▸" }!
        #expect(buffer[column, row].style.role == .dim)
    }

    @Test func aDecideConversationIsTitledWithItsQuestion() {
        // A new conversation: created with the question as its title.
        var fresh = ChatHarness(width: 100, height: 30)
        fresh.type("/mode decide")
        fresh.key(.enter)
        fresh.type("Should I adopt a dog or a cat?")
        guard case .runDecision(_, _, let create)? = fresh.key(.enter).first else {
            Issue.record("no flow started")
            return
        }
        #expect(create?.title == "Should I adopt a dog or a cat?")
        // A stored conversation with only the flow's steps in it, titled by its first prompt before:
        // renamed to the question.
        var stored = ChatHarness(width: 100, height: 30, messages: [
            Message(role: .user, content: "Decision: Old?\nList the criteria", internalStep: "asking for criteria"),
            Message(role: .assistant, content: "{}"),
        ], stored: true, title: "Decision: Old? List the criteria")
        stored.type("/mode decide")
        stored.key(.enter)
        stored.type("/decide Should I rent or buy?")
        let effects = stored.key(.enter)
        let id = stored.state.conversation.id
        #expect(effects.contains(.renameConversation(id: id, title: "Should I rent or buy?")))
        #expect(stored.state.conversation.title == "Should I rent or buy?")
        // A conversation the user wrote in keeps the title it has.
        var chat = ChatHarness(width: 100, height: 30, messages: ChatHarness.conversation(turns: 1), stored: true, title: "Laptops")
        chat.type("/mode decide")
        chat.key(.enter)
        chat.type("/decide Which laptop?")
        #expect(chat.key(.enter).allSatisfy { if case .renameConversation = $0 { return false } else { return true } })
        #expect(chat.state.conversation.title == "Laptops")
    }

    @Test func aStoppedOrFailedFlowKeepsWhatWasFilledIn() {
        var h = Self.withRecord()
        h.type("/decide")
        guard case .runDecision(let record, _, let create)? = h.key(.enter).first else {
            Issue.record("no flow started")
            return
        }
        #expect(create == nil)
        var stopped = record
        stopped.notes.append(DecisionSession.stoppedNote)
        h.send(.decisionFinished(stopped, nil))
        #expect(h.state.notice?.text.hasPrefix("stopped: the decision keeps what was filled in") == true)
        // The next run forgets that it was stopped before.
        h.type("/decide")
        guard case .runDecision(let again, _, _)? = h.key(.enter).first else {
            Issue.record("no second run")
            return
        }
        #expect(!again.notes.contains(DecisionSession.stoppedNote))
        h.send(.decisionPrompt("a prompt", step: "asking about Alpha"))
        h.send(.decisionFailed("the disk is full"))
        #expect(!h.state.isBusy && Self.panel(h)?.isRunning == false)
        #expect(h.state.conversation.messages.last?.status == .failed)
        #expect(h.state.notice?.isError == true)
        #expect(Self.panel(h)?.record.options.map(\.name) == ["Alpha", "Beta"])
    }

    @Test func editsChangeTheRecordTheTotalsAndAreSaved() {
        var h = Self.withRecord(height: 40)  // room for the recommendation and the outcome
        func run(_ line: String) -> [ChatEffect] {
            h.type(line)
            return h.key(.enter)
        }
        func saved(_ effects: [ChatEffect]) -> DecisionRecord? {
            guard effects.count == 1, case .saveDecision(let record) = effects[0] else { return nil }
            return record
        }
        // Beta: price 8 only -> 8.00; scoring battery 2: (3*8 + 1*2)/4 = 6.50.
        #expect(h.render().textRows.contains { $0.contains("Beta  8.00 (1 unscored)") })
        var record = saved(run("/score beta:Battery=2"))
        #expect(record?.score(option: "Beta", criterion: "battery")?.value == 2)
        #expect(record?.score(option: "Beta", criterion: "battery")?.givenBy == .user)
        #expect(h.render().textRows.contains { $0.contains("Beta  6.50") })
        #expect(h.state.notice?.text == "score beta:Battery=2 set; Beta leads with 6.50")

        // Weight of battery 1 -> 5: Alpha (12 + 45)/8 = 7.125 -> 7.13 (half away), Beta (24 + 10)/8 = 4.25.
        record = saved(run("/criterion Battery:5"))
        #expect(record?.criteria.first { $0.name == "battery" }?.weight == 5)
        #expect(h.render().textRows.contains { $0.contains("Beta  4.25") })

        record = saved(run("/option add Gamma"))
        #expect(record?.options.map(\.name) == ["Alpha", "Beta", "Gamma"])
        #expect(h.render().textRows.contains { $0.contains("Gamma  –") || $0.contains("– Gamma") })
        record = saved(run("/criterion Weight"))
        #expect(record?.criteria.last == DecisionCriterion(name: "Weight", weight: 3, givenBy: .assumed))
        record = saved(run("/criterion remove weight"))
        #expect(record?.criteria.map(\.name) == ["price", "battery"])
        record = saved(run("/score remove Beta:battery"))
        #expect(record?.score(option: "Beta", criterion: "battery") == nil)
        #expect(h.render().textRows.contains { $0.contains("Beta  8.00 (1 unscored)") })
        record = saved(run("/option remove gamma"))
        #expect(record?.options.map(\.name) == ["Alpha", "Beta"])
        record = saved(run("/outcome Bought Alpha; happy."))
        #expect(record?.outcome?.text == "Bought Alpha; happy.")
        #expect(h.render().textRows.contains { $0.contains("Bought Alpha; happy.") })
        #expect(record?.updatedAt == ChatHarness.epoch)
    }

    @Test func badEditsSayWhyAndChangeNothing() {
        var h = Self.withRecord()
        let before = Self.panel(h)?.record
        let cases: [(String, String)] = [
            ("/score Alpha:price=11", "the score of 'Alpha' on 'price' must be 0 to 10, not 11"),
            ("/score Zeta:price=4", "no option 'Zeta' in this decision (options: 'Alpha', 'Beta'); add it with /option add first"),
            ("/score Alpha:looks=4", "no criterion 'looks' in this decision (criteria: 'price', 'battery'); add it with /criterion first"),
            ("/score Alpha=4", "/score 'Alpha=4' is not OPTION:CRITERION=VALUE (e.g. 'Berlin:Cost=7')"),
            ("/score Alpha:price=lots", "/score 'Alpha:price=lots' is not OPTION:CRITERION=VALUE with a whole number 0-10"),
            ("/criterion price:9", "the weight of 'price' must be 1 to 5, not 9"),
            ("/criterion price:heavy", "/criterion 'price:heavy' is not NAME or NAME:WEIGHT with a whole-number weight 1-5 (e.g. 'Cost:4')"),
            ("/option remove Zeta", "no option 'Zeta' in this decision (options: 'Alpha', 'Beta'); add it with /option add first"),
            ("/criterion remove looks", "no criterion 'looks' in this decision (criteria: 'price', 'battery'); add it with /criterion first"),
            ("/score remove Beta:battery", "no score for 'Beta:battery' to remove (write it as OPTION:CRITERION)"),
            ("/option Gamma", "/option takes add NAME or remove NAME"),
        ]
        for (line, message) in cases {
            h.type(line)
            #expect(h.key(.enter).isEmpty, "\(line)")
            #expect(h.state.notice == ChatNotice(message, isError: true), "\(line)")
            #expect(Self.panel(h)?.record == before, "\(line)")
        }
    }

    @Test func editsOutsideDecideModeAreRefused() {
        var h = ChatHarness()
        for line in ["/score A:B=1", "/option add A", "/decide", "/outcome done"] {
            h.type(line)
            #expect(h.key(.enter).isEmpty)
            #expect(h.state.notice?.isError == true && h.state.notice?.text.contains("/mode decide first") == true, "\(line)")
        }
    }

    @Test func editsBeforeTheQuestionAreKeptAndSavedWithIt() {
        var h = ChatHarness(width: 100, height: 30)
        h.type("/mode decide")
        h.key(.enter)
        h.type("/option add Tea")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.notice?.text == "option \u{201C}Tea\u{201D} added (saved once you ask the question)")
        h.type("Tea or coffee?")
        guard case .runDecision(let record, _, _)? = h.key(.enter).first else {
            Issue.record("no flow")
            return
        }
        #expect(record.options.map(\.name) == ["Tea"] && record.question == "Tea or coffee?")
        // With a question on the record, the next message is an ordinary chat turn.
        h.send(.decisionFinished(record, nil))
        h.type("Why tea?")
        guard case .send(let text, _, _, let mode, _)? = h.key(.enter).first else {
            Issue.record("expected a chat turn")
            return
        }
        #expect(text == "Why tea?" && mode == .decide)
    }

    @Test func decideWithAQuestionStartsANewDecision() {
        var h = Self.withRecord()
        let old = Self.panel(h)?.record.id
        h.type("/decide Which phone?")
        guard case .runDecision(let record, _, _)? = h.key(.enter).first else {
            Issue.record("no flow")
            return
        }
        #expect(record.question == "Which phone?" && record.id != old && record.options.isEmpty)
    }

    @Test func tabCompletesOptionAndCriterionNames() {
        var h = Self.withRecord()
        func tab(_ line: String) -> String {
            h.state.input.set(line)
            h.key(.tab)
            return h.state.input.text
        }
        #expect(tab("/sco") == "/score ")
        #expect(tab("/score al") == "/score Alpha:")
        #expect(tab("/score Alpha:pr") == "/score Alpha:price=")
        #expect(tab("/score remove B") == "/score remove Beta:")
        #expect(tab("/score remove Beta:b") == "/score remove Beta:battery")
        #expect(tab("/option r") == "/option remove ")
        #expect(tab("/option remove a") == "/option remove Alpha")
        #expect(tab("/criterion b") == "/criterion battery:")
        #expect(tab("/criterion remove p") == "/criterion remove price")
        // Several candidates: the line stays and the notice lists them.
        #expect(tab("/option remove ") == "/option remove ")
        #expect(h.state.notice?.text == "/option remove Alpha  /option remove Beta")
        #expect(SlashCompleter.candidates(for: "/score ", personas: [], backends: [], models: [], decision: Self.panel(h)?.record)
            == ["/score remove ", "/score Alpha:", "/score Beta:"])
    }

    @Test func theNewCommandsParse() {
        #expect(SlashCommand.parse("/option add  Current job ") == .success(.decisionEdit(.addOption("Current job"))))
        #expect(SlashCommand.parse("/option rm Beta") == .success(.decisionEdit(.removeOption("Beta"))))
        #expect(SlashCommand.parse("/criterion Cost:4") == .success(.decisionEdit(.criterion("Cost:4"))))
        #expect(SlashCommand.parse("/criterion remove Cost") == .success(.decisionEdit(.removeCriterion("Cost"))))
        #expect(SlashCommand.parse("/criterion remove") == .success(.decisionEdit(.criterion("remove"))))
        #expect(SlashCommand.parse("/score A:B=3") == .success(.decisionEdit(.score("A:B=3"))))
        #expect(SlashCommand.parse("/score remove A:B") == .success(.decisionEdit(.removeScore("A:B"))))
        #expect(SlashCommand.parse("/decide") == .success(.decide(question: nil)))
        #expect(SlashCommand.parse("/decide Tea?") == .success(.decide(question: "Tea?")))
        #expect(SlashCommand.parse("/outcome went well") == .success(.outcome("went well")))
        for line in ["/option", "/option add", "/score", "/score remove", "/criterion", "/outcome"] {
            guard case .failure = SlashCommand.parse(line) else {
                Issue.record("\(line) should be refused")
                continue
            }
        }
    }

    @Test func helpListsTheDecideCommands() {
        var h = ChatHarness(width: 100, height: 60)
        h.key(.function(1))
        let rows = h.render().textRows
        for name in ["/option add|remove NAME", "/criterion NAME:WEIGHT", "/score OPT:CRIT=VALUE", "/decide [QUESTION]", "/outcome TEXT"] {
            #expect(rows.contains { $0.contains(name) }, "\(name)")
        }
    }
}

/// The decision panel while the flow runs (progress, partly filled) and after it (ranking and
/// totals), beside the chat at 100x30 and full screen (F3) on a 50-column screen.
@Suite("Decide mode snapshots")
struct DecideModeSnapshotTests {
    /// Decide mode with the question asked, the options read and the criteria being asked for.
    static func running(width: Int, height: Int) throws -> ChatHarness {
        var h = ChatHarness(width: width, height: height)
        h.type("/mode decide")
        h.key(.enter)
        h.state.decisionPanel?.record.id = DecideModeSnapshotTests.recordID  // a fixed id for the snapshot
        h.type("Which laptop should I buy?")
        guard case .runDecision(let record, _, _)? = h.key(.enter).first else { throw Failure() }
        h.send(.decisionStage("asking for options"))
        h.send(.decisionPrompt("Question: Which laptop should I buy?\nList 3 options, one per line.", step: "asking for options"))
        h.send(.turnText("1. Alpha\n2. Beta"), at: 1)
        var partial = record
        try partial.addOption("Alpha", givenBy: .model)
        try partial.addOption("Beta", givenBy: .model)
        h.send(.decisionPartial(partial))
        h.send(.decisionStage("asking for criteria and weights"))
        h.send(.decisionPrompt("Question: Which laptop should I buy?\nList 4 criteria with weights.", step: "asking for criteria"))
        h.send(.turnText("1. price: 3\n2. batt"), at: 2)
        return h
    }

    /// The same decision after the flow: the side panel tests' record with its reasoning's recommendation.
    static func finished(width: Int, height: Int) throws -> ChatHarness {
        var h = try running(width: width, height: height)
        var record = SidePanelTests.record()
        record.id = DecideModeSnapshotTests.recordID
        record.question = "Which laptop should I buy?"
        record.recommendation = "Alpha, if the battery matters more than the price."
        h.send(.decisionFinished(record, nil), at: 3)
        return h
    }

    struct Failure: Error {}
    static let recordID = "20270115-080000-dcsion"

    @Test func runningBesideTheChat() throws {
        let buffer = try Self.running(width: 100, height: 30).render(now: 3)
        #expect(buffer.textRows.contains { $0.contains("… asking for criteria and weights") })
        SnapshotTests().assertSnapshot(buffer, "decide-running-100x30")
    }

    @Test func finishedBesideTheChat() throws {
        let buffer = try Self.finished(width: 100, height: 30).render(now: 4)
        #expect(buffer.textRows.contains { $0.contains("1. Beta  8.00") })
        SnapshotTests().assertSnapshot(buffer, "decide-finished-100x30")
    }

    @Test func runningFullScreenOnANarrowScreen() throws {
        var h = try Self.running(width: 50, height: 30)
        h.key(.function(3))
        let buffer = h.render(now: 3)
        #expect(buffer.textRows.contains { $0.contains("… asking for criteria") })
        SnapshotTests().assertSnapshot(buffer, "decide-running-50x30-f3")
    }

    @Test func finishedFullScreenOnANarrowScreen() throws {
        var h = try Self.finished(width: 50, height: 30)
        h.key(.function(3))
        let buffer = h.render(now: 4)
        #expect(buffer.textRows.contains { $0.contains("2. Alpha  5.25") })
        SnapshotTests().assertSnapshot(buffer, "decide-finished-50x30-f3")
        // Further down: what is still open, and the id the CLI takes.
        h.key(.pageDown)
        let scrolled = h.render(now: 4).textRows
        #expect(scrolled.contains { $0.contains("· no score for 'Beta' on 'battery'") })
        #expect(scrolled.contains { $0.contains("decision \(Self.recordID)") })
    }
}

extension DecisionRecord {
    func withConversation(_ id: String) -> DecisionRecord {
        var copy = self
        copy.conversationID = id
        return copy
    }
}
