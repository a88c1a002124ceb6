import Foundation
import ParleyCore
import ParleyDecide
import Testing

@testable import ParleyTUI

/// The side panel's place on the screen: beside the transcript on a wide screen, instead of it
/// after F3 (the only way to see it on a narrow one), and PgUp/PgDn scrolling it when it has the screen.
@Suite("Side panel")
struct SidePanelTests {
    static func record() -> DecisionRecord {
        DecisionRecord(
            id: "d1", question: "Which laptop should I buy?",
            options: [DecisionOption(name: "Alpha", pros: ["light"], cons: ["pricey"], givenBy: .user), DecisionOption(name: "Beta", givenBy: .user)],
            criteria: [DecisionCriterion(name: "price", weight: 3, givenBy: .user), DecisionCriterion(name: "battery", weight: 1, givenBy: .user)],
            scores: [
                DecisionScore(option: "Alpha", criterion: "price", value: 4, givenBy: .user),
                DecisionScore(option: "Alpha", criterion: "battery", value: 9, givenBy: .user),
                DecisionScore(option: "Beta", criterion: "price", value: 8, givenBy: .user),
            ],
            createdAt: ChatHarness.epoch)
    }

    @Test func wideScreenSplitsTwoFifthsToThePanel() {
        var h = ChatHarness(width: 100, height: 24, messages: ChatHarness.conversation(turns: 3))
        h.state.panel = .decision(DecisionPanel(record: SidePanelTests.record()))
        let geometry = ScreenGeometry(h.state)
        #expect(geometry.transcriptWidth == 60)
        #expect(geometry.panelLeft == 60 && geometry.panelWidth == 40)
        let buffer = h.render()
        #expect(buffer.rowText(2).contains("│"))
        // Alpha: (3*4 + 1*9) / 4 = 5.25; Beta has only price scored: 8 over weight 3.
        #expect(buffer.textRows.contains { $0.contains("Alpha  5.25") })
        SnapshotTests().assertSnapshot(buffer, "decision-panel-100x24")
    }

    @Test func narrowScreenShowsOneAtATimeAndF3Switches() {
        var h = ChatHarness(width: 60, height: 20, messages: ChatHarness.conversation(turns: 3))
        h.state.panel = .decision(DecisionPanel(record: SidePanelTests.record()))
        #expect(ScreenGeometry(h.state).showsPanel == false)
        #expect(!h.render().textRows.contains { $0.contains("Which laptop") })
        h.key(.function(3))
        #expect(ScreenGeometry(h.state).transcriptWidth == 0)
        #expect(h.render().textRows.contains { $0.contains("Which laptop") })
        h.key(.function(3))
        #expect(ScreenGeometry(h.state).showsPanel == false)
    }

    @Test func pageDownScrollsThePanelWhenItHasTheScreen() {
        var h = ChatHarness(width: 60, height: 10, messages: ChatHarness.conversation(turns: 3))
        h.state.panel = .decision(DecisionPanel(record: SidePanelTests.record()))
        h.key(.function(3))
        let before = h.render().rowText(2)
        h.key(.pageDown)
        guard case .decision(let panel)? = h.state.panel else { Issue.record("panel gone"); return }
        #expect(panel.scroll > 0)
        #expect(h.render().rowText(2) != before)
        #expect(h.state.scrollOffset == 0)
        // Paging past the end stops at the last page, so one PgUp always moves back up.
        for _ in 0..<50 { h.key(.pageDown) }
        guard case .decision(let atEnd)? = h.state.panel else { Issue.record("panel gone"); return }
        let lines = SidePanelView.bodyLines(h.state.panel!, width: SidePanelView.textColumns(ScreenGeometry(h.state)).width).count
        #expect(atEnd.scroll == lines - (ScreenGeometry(h.state).transcriptHeight - 1))
        h.key(.pageUp)
        guard case .decision(let back)? = h.state.panel else { Issue.record("panel gone"); return }
        #expect(back.scroll < atEnd.scroll)
    }

    @Test func f3WithoutAPanelSaysHowToGetOne() {
        var h = ChatHarness()
        h.key(.function(3))
        #expect(h.state.panelFullScreen == false)
        #expect(h.state.notice?.text.contains("/mode decide") == true)
    }

    @Test func choosingAnotherModeSwapsOrClosesThePanel() {
        var h = ChatHarness(width: 100, height: 24, messages: ChatHarness.conversation(turns: 1))
        h.state.templates = [WriteModeTests.slogan]
        h.state.panel = .draft(DraftPanel(writing: "slogan"))
        h.state.conversation.mode = .write
        h.type("/mode decide")
        h.key(.enter)
        #expect(h.state.decisionPanel != nil)
        h.type("/mode write")
        h.key(.enter)
        #expect(h.state.decisionPanel == nil)
        #expect(h.state.notice?.text.contains("not in this build") != true)
        // Without a draft, write mode asks which template first.
        guard case .templatePicker = h.state.overlay else { Issue.record("no picker: \(h.state.overlay)"); return }
        h.key(.escape)
        h.state.panel = .draft(DraftPanel(writing: "slogan"))
        h.type("/mode chat")
        h.key(.enter)
        #expect(h.state.panel == nil)
        #expect(h.state.notice?.text == "mode: chat")
    }

    @Test func theModeStaysWhileAReplyStreams() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1))
        h.type("hello")
        h.key(.enter)
        h.type("/mode decide")
        h.key(.enter)
        #expect(h.state.conversation.mode == .chat)
        #expect(h.state.decisionPanel == nil)
        #expect(h.state.notice?.isError == true)
    }

    @Test func upOnAnEmptyInputInDecideModeExplainsInsteadOfEditingAFlowPrompt() {
        var h = DecideModeTests.withRecord()
        h.state.conversation.messages = ChatHarness.conversation(turns: 1)
        h.key(.up)
        #expect(h.state.editingMessageID == nil)
        #expect(h.state.input.isEmpty)
        #expect(h.state.notice?.text.contains("/score") == true)
    }

    @Test func upOnAnEmptyInputWithADraftRecallsTheLastChangeRequest() throws {
        var (h, _) = try WriteModeTests.withDraft()
        h.key(.up)
        #expect(h.state.input.isEmpty)
        #expect(h.state.editingMessageID == nil)
        (h, _) = try WriteModeTests.withTwoVersions()
        h.key(.up)
        #expect(h.state.input.text == "shorter")
        #expect(h.state.editingMessageID == nil)
        let effects = h.key(.enter)
        guard case .reviseDraft(_, let instruction)? = effects.first else { Issue.record("no revision: \(effects)"); return }
        #expect(instruction == "shorter")
    }
}
