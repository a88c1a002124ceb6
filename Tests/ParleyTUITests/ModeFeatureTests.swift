import Foundation
import ParleyCore
import ParleyDecide
import ParleyWrite
import Testing

@testable import ParleyTUI

/// Decide and write mode's reducers on their own panels, without a chat around them.
@Suite("Mode features")
struct ModeFeatureTests {
    static let backend = BackendInfo(name: "openai", model: "test-model", contextSize: 8192)

    static func decideEnvironment(_ ids: CountingIDs, at seconds: Double = 0) -> DecideFeature.Environment {
        DecideFeature.Environment(
            now: ChatHarness.epoch.addingTimeInterval(seconds), makeID: { ids.next() }, conversationID: "c1", backend: backend)
    }

    // MARK: - Decide

    @Test func aNewPanelHoldsAnEmptyRecordWithTheNextId() {
        let panel = DecideFeature().newPanel(Self.decideEnvironment(CountingIDs()))
        #expect(panel.record.id == "id1" && panel.record.question.isEmpty && panel.record.conversationID == "c1")
        #expect(panel.record.createdAt == ChatHarness.epoch)
        #expect(!panel.isRunning)
    }

    @Test func anEditChangesTheRecordAndIsSavedOnceThereIsAQuestion() {
        let feature = DecideFeature()
        let env = Self.decideEnvironment(CountingIDs(), at: 9)
        var panel = feature.newPanel(env)
        let before = feature.reduce(&panel, .edit(.addOption("Alpha")), env)
        #expect(before.effects.isEmpty)
        #expect(before.notice == ChatNotice("option \u{201C}Alpha\u{201D} added (saved once you ask the question)"))
        panel.record.question = "Which laptop?"
        let after = feature.reduce(&panel, .edit(.addOption("Beta")), env)
        #expect(panel.record.options.map(\.name) == ["Alpha", "Beta"])
        #expect(panel.record.updatedAt == ChatHarness.epoch.addingTimeInterval(9))
        #expect(after.effects == [.saveDecision(panel.record)])
    }

    @Test func editsWaitWhileTheFlowRuns() {
        let feature = DecideFeature()
        var panel = DecisionPanel(record: SidePanelTests.record(), progress: "asking for options")
        let before = panel
        #expect(feature.reduce(&panel, .edit(.addOption("Gamma")), Self.decideEnvironment(CountingIDs())) == .refused(DecideFeature.flowRunning))
        #expect(feature.reduce(&panel, .outcome("bought it"), Self.decideEnvironment(CountingIDs())) == .refused(DecideFeature.flowRunning))
        #expect(panel == before)
    }

    @Test func aNewQuestionStartsANewRecordAndAsksForTheFlow() {
        let feature = DecideFeature()
        let env = Self.decideEnvironment(CountingIDs())
        var panel = DecisionPanel(record: SidePanelTests.record())
        let step = feature.reduce(&panel, .start(question: "  Which phone?  "), env)
        #expect(panel.record.id == "id1" && panel.record.question == "Which phone?" && panel.record.options.isEmpty)
        #expect(panel.isRunning)
        #expect(step.effects == [.runDecision(panel.record, conversationID: "c1", create: nil)])
    }

    @Test func aTypedQuestionKeepsWhatWasAddedBeforeIt() {
        let feature = DecideFeature()
        let env = Self.decideEnvironment(CountingIDs())
        var panel = feature.newPanel(env)
        _ = feature.reduce(&panel, .edit(.addOption("Alpha")), env)
        let step = feature.reduce(&panel, .ask("Which laptop?"), env)
        #expect(panel.record.id == "id1" && panel.record.options.map(\.name) == ["Alpha"])
        #expect(step.effects == [.runDecision(panel.record, conversationID: "c1", create: nil)])
    }

    @Test func decideWithoutAQuestionIsRefused() {
        let feature = DecideFeature()
        let env = Self.decideEnvironment(CountingIDs())
        var panel = feature.newPanel(env)
        #expect(feature.reduce(&panel, .start(question: nil), env) == .refused("no question yet: type it and press Enter"))
        #expect(!panel.isRunning)
    }

    @Test func theFlowsEventsFillThePanelAndItsEndSaysWhoLeads() {
        let feature = DecideFeature()
        let env = Self.decideEnvironment(CountingIDs())
        var panel = DecisionPanel(record: SidePanelTests.record(), progress: "starting")
        _ = feature.reduce(&panel, .stage("asking for criteria"), env)
        #expect(panel.progress == "asking for criteria")
        var other = SidePanelTests.record()
        other.id = "d2"
        _ = feature.reduce(&panel, .partial(other), env)
        #expect(panel.record.id == "d1")
        let step = feature.reduce(&panel, .finished(SidePanelTests.record()), env)
        #expect(!panel.isRunning)
        #expect(step.notice == DecideFeature.finishedNotice(SidePanelTests.record()))
        #expect(step.notice?.text.hasPrefix("decision saved (d1)") == true)
    }

    @Test func aSavedDecisionReplacesOnlyAnUntouchedPanel() {
        let feature = DecideFeature()
        let env = Self.decideEnvironment(CountingIDs())
        var fresh = feature.newPanel(env)
        let step = feature.reduce(&fresh, .loaded(SidePanelTests.record()), env)
        #expect(fresh.record == SidePanelTests.record())
        #expect(step.notice?.text.contains("reopened") == true)
        var edited = feature.newPanel(env)
        _ = feature.reduce(&edited, .edit(.addOption("Mine")), env)
        let kept = edited
        #expect(feature.reduce(&edited, .loaded(SidePanelTests.record()), env) == ModeStep())
        #expect(edited == kept)
    }

    // MARK: - Write

    static func draft() throws -> Draft {
        let filled = try WriteModeTests.filled("a cup")
        var draft = Draft(
            id: "dr1", template: WriteModeTests.slogan, filled: filled, first: WriteModeTests.version("one\ntwo", filled.instruction, at: 1),
            conversationID: "c1")
        draft.addRevision(WriteModeTests.version("one\nthree", "shorter", at: 2))
        return draft
    }

    @Test func versionsArePagedAndChosen() throws {
        let feature = WriteFeature()
        var panel = DraftPanel(draft: try Self.draft())
        let env = WriteFeature.Environment(panelShown: true)
        let step = feature.reduce(&panel, .version(.previous), env)
        #expect(panel.draft?.currentNumber == 1)
        #expect(step == ModeStep([.selectDraftVersion(draftID: "dr1", number: 1)], notice: ChatNotice("version 1 of 2")))
        #expect(feature.reduce(&panel, .page(by: -1), env) == ModeStep())
        #expect(feature.reduce(&panel, .page(by: 1), env).effects == [.selectDraftVersion(draftID: "dr1", number: 2)])
        #expect(feature.reduce(&panel, .version(.number(3)), env) == .refused("no version 3; the draft has versions 1 to 2"))
    }

    @Test func aDiffIsShownUntilAKeyOtherThanScrolling() throws {
        let feature = WriteFeature()
        var panel = DraftPanel(draft: try Self.draft())
        let step = feature.reduce(&panel, .diff(from: nil, to: nil), WriteFeature.Environment(panelShown: false))
        #expect(panel.isShowingDiff)
        #expect(step.notice == ChatNotice("version 1 → 2: 1 line added, 1 line removed (F3 shows the panel)"))
        _ = feature.reduce(&panel, .key(.pageDown), WriteFeature.Environment(panelShown: true))
        #expect(panel.isShowingDiff)
        _ = feature.reduce(&panel, .key(.character("x")), WriteFeature.Environment(panelShown: true))
        #expect(!panel.isShowingDiff)
    }

    @Test func aRevisionStreamsIntoThePanelAndItsEndShowsTheNewVersion() throws {
        let feature = WriteFeature()
        let env = WriteFeature.Environment(panelShown: true)
        var draft = try Self.draft()
        var panel = DraftPanel(draft: draft)
        #expect(feature.reduce(&panel, .revise(instruction: "shorter still"), env).effects == [.reviseDraft(draft, instruction: "shorter still")])
        _ = feature.reduce(&panel, .streamed("one"), env)
        #expect(panel.isWriting && panel.streaming == "one")
        #expect(feature.reduce(&panel, .save("out.txt"), env) == .refused(WriteFeature.writingRefusal))
        draft.addRevision(WriteModeTests.version("one", "shorter still", at: 3))
        let step = feature.reduce(&panel, .finished(draft), env)
        #expect(!panel.isWriting && panel.draft?.currentNumber == 3)
        #expect(step.notice?.text.hasPrefix("version 3 of 3") == true)
        #expect(feature.reduce(&panel, .save("out.txt"), env).effects == [.saveText(text: "one", path: "out.txt", overwrite: false, what: .draft)])
    }

    @Test func aFailedRevisionGoesBackToTheDraft() throws {
        let feature = WriteFeature()
        var panel = DraftPanel(draft: try Self.draft())
        _ = feature.reduce(&panel, .revise(instruction: "longer"), WriteFeature.Environment(panelShown: true))
        _ = feature.reduce(&panel, .revisionFailed, WriteFeature.Environment(panelShown: true))
        #expect(panel == DraftPanel(draft: try Self.draft()))
    }
}
