import Foundation
import ParleyCore
import ParleyDecide
import ParleyPersonas
import ParleyTUI
import ParleyTestSupport
import Testing

@testable import ParleyApp

/// Decide mode: the flow as a turn, and records saved, loaded and exported.
@Suite("Effect runner: decisions", .timeLimit(.minutes(1)))
struct DecisionEffectTests {
    static let offline = ScriptedBackend(steps: [.fail("offline")])

    func record(id: String = "decision-1", conversationID: String = "dec-conv") -> DecisionRecord {
        DecisionRecord(id: id, question: "Which city for the summer?", createdAt: RunnerFixture.now, conversationID: conversationID)
    }

    func storedDecision(_ fixture: RunnerFixture, _ id: String) throws -> DecisionRecord {
        try DecisionRecord.store(root: fixture.directory.url, diagnostics: { _ in }).load(id: id)
    }

    @Test func runDecisionRunsTheFlowAsATurnAndSavesTheRecord() async throws {
        var fixture = try RunnerFixture(backend: DecisionEffectTests.offline)
        defer { fixture.remove() }
        let create = Conversation(id: "dec-conv", title: "Which city for the summer?", mode: .decide)
        let events = await fixture.run(.runDecision(record(), conversationID: "dec-conv", create: create), through: \.isTurnEnd)
        #expect(events.contains { if case .decisionStage = $0 { true } else { false } })
        #expect(events.contains { if case .decisionPrompt = $0 { true } else { false } })
        guard case .decisionFinished(let finished, let conversation) = events.last else { Issue.record("got \(events)"); return }
        #expect(finished.updatedAt == RunnerFixture.now)
        #expect(finished.notes.contains { $0.hasPrefix(DecisionSession.unavailablePrefix) })
        #expect(conversation?.id == "dec-conv")
        #expect(conversation?.mode == .decide)
        let saved = try storedDecision(fixture, "decision-1")
        #expect(saved.notes == finished.notes)
        #expect(saved.updatedAt == RunnerFixture.now)
    }

    @Test func theFlowSpeaksAsTheDecisionCoach() async throws {
        var fixture = try RunnerFixture(backend: DecisionEffectTests.offline)
        defer { fixture.remove() }
        _ = await fixture.run(.runDecision(record(), conversationID: "dec-conv", create: Conversation(id: "dec-conv", mode: .decide)), through: \.isTurnEnd)
        let system = DecisionEffectTests.offline.requests.all.last?.messages.first { $0.role == .system }
        #expect(system?.content == (try fixture.personas.persona(named: "decision-coach")).systemPrompt)
        // The conversation remembers where the flow was answered, as a chat turn's does.
        #expect(try fixture.stored("dec-conv").backend == BackendChoice(name: "scripted", kind: "scripted", model: "script-1"))
    }

    /// Without the coach's file the chat falls back as `parley decide` does: to the built-in
    /// assistant, not to the chat's own persona.
    @Test func withoutTheCoachTheFlowSpeaksAsTheBuiltInAssistant() async throws {
        let backend = ScriptedBackend(steps: [.fail("offline")])
        var fixture = try RunnerFixture(backend: backend, personaDirectories: [])
        defer { fixture.remove() }
        _ = await fixture.run(.runDecision(record(), conversationID: "dec-conv", create: Conversation(id: "dec-conv", mode: .decide)), through: \.isTurnEnd)
        let system = backend.requests.all.last?.messages.first { $0.role == .system }
        #expect(system?.content == Persona.builtInAssistant.systemPrompt)
    }

    @Test func cancellingTheFlowKeepsTheRecordWithTheStoppedNote() async throws {
        var fixture = try RunnerFixture(backend: ScriptedBackend(steps: [.hang]))
        defer { fixture.remove() }
        let create = Conversation(id: "dec-conv", mode: .decide)
        _ = await fixture.run(
            .runDecision(record(), conversationID: "dec-conv", create: create), through: { if case .decisionPrompt = $0 { true } else { false } })
        await fixture.runner.run(.cancelTurn)
        let events = await fixture.events.events(through: \.isTurnEnd)
        guard case .decisionFinished(let finished, _) = events.last else { Issue.record("got \(events)"); return }
        #expect(finished.notes.contains(DecisionSession.stoppedNote))
        #expect(try storedDecision(fixture, "decision-1").notes.contains(DecisionSession.stoppedNote))
    }

    @Test func aFlowThatCannotCreateItsConversationFails() async throws {
        var fixture = try RunnerFixture(backend: DecisionEffectTests.offline)
        defer { fixture.remove() }
        try fixture.storedConversation(id: "dec-conv")
        let event = await fixture.run(.runDecision(record(), conversationID: "dec-conv", create: Conversation(id: "dec-conv", mode: .decide)))
        guard case .decisionFailed(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.contains("dec-conv"))
    }

    @Test func saveDecisionThenLoadDecisionReadsItBack() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        var edited = record()
        try edited.addOption("Lisbon", givenBy: .user)
        await fixture.runner.run(.saveDecision(edited))
        let event = await fixture.run(.loadDecision(conversationID: "dec-conv"))
        #expect(event == .decisionLoaded(edited, conversationID: "dec-conv"))
        #expect(try storedDecision(fixture, "decision-1").options.map(\.name) == ["Lisbon"])
    }

    @Test func successiveSavesOfADecisionLandInOrder() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        var edited = record()
        for name in ["A", "B", "C", "D", "E", "F"] {
            try edited.addOption(name, givenBy: .user)
            await fixture.runner.run(.saveDecision(edited))
        }
        await fixture.runner.finishTurn(cancel: false)
        #expect(try storedDecision(fixture, "decision-1").options.map(\.name) == ["A", "B", "C", "D", "E", "F"])
    }

    @Test func loadDecisionOfAConversationWithoutOne() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.loadDecision(conversationID: "conv-9"))
        #expect(event == .decisionLoaded(nil, conversationID: "conv-9"))
    }

    @Test func aDecisionThatCannotBeSavedIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.saveDecision(record(id: "../outside")))
        guard case .error(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.hasPrefix("the decision was not saved: "))
    }

    @Test func exportDecisionWritesTheReport() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let path = fixture.path("city.md")
        let event = await fixture.run(.exportDecision(record(), format: .md, path: path))
        #expect(event == .textSaved(path: path, what: .decision))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == DecisionReport.markdown(record()))
    }
}
