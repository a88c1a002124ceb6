import Foundation
import ParleyCore
import ParleyTUI
import ParleyTestSupport
import ParleyWrite
import Testing

@testable import ParleyApp

/// Write mode: drafts written and revised as turns, versions chosen, drafts looked up.
@Suite("Effect runner: drafts", .timeLimit(.minutes(1)))
struct DraftEffectTests {
    static let slogan = WritingTemplate(
        name: "slogan", kind: .copy, description: "", fields: [TemplateField(name: "product", prompt: "What?", required: true)],
        instruction: "Write slogans for {{product}}.")

    /// A draft as `parley write` would have stored it, with two versions.
    func storedDraft(_ fixture: RunnerFixture, template: WritingTemplate = slogan) throws -> Draft {
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        var draft = Draft(
            id: "draft-1", template: template, filled: filled, first: DraftVersion(text: "1. Sip smarter.", instruction: "first", createdAt: RunnerFixture.now))
        draft.addRevision(DraftVersion(text: "1. Drink better.", instruction: "other words", createdAt: RunnerFixture.now))
        try fixture.drafts.create(draft)
        return draft
    }

    @Test func startDraftWritesTheFirstVersionWithTheTemplatesPersona() async throws {
        let backend = ScriptedBackend.replying(["1. Sip ", "smarter.\n"])
        var fixture = try RunnerFixture(backend: backend, templates: [DraftEffectTests.slogan])
        defer { fixture.remove() }
        let filled = try TemplateFiller.fill(DraftEffectTests.slogan, values: ["product": "cups"])
        let events = await fixture.run(.startDraft(filled, template: DraftEffectTests.slogan, conversationID: nil), through: \.isTurnEnd)
        #expect(events.first.map { if case .turnStarted = $0 { true } else { false } } == true)
        #expect(events.contains(.turnText("1. Sip ")))
        guard case .draftTurnFinished(let draft?, let conversation) = events.last else { Issue.record("got \(events)"); return }
        #expect(draft.current.text == "1. Sip smarter.")
        #expect(draft.conversationID == conversation.id)
        #expect(conversation.mode == .write)
        #expect(conversation.backend == BackendChoice(name: "scripted", kind: "scripted", model: "script-1"))
        #expect(try fixture.drafts.load(id: draft.id).current.text == "1. Sip smarter.")
        #expect(try fixture.drafts.draft(forConversation: conversation.id)?.id == draft.id)
        // The template names no persona: its kind's (copywriter) writes it.
        #expect(backend.requests.all.first?.messages.first?.content == (try fixture.personas.persona(named: "copywriter")).systemPrompt)
    }

    @Test func aTemplateWhosePersonaIsMissingFailsTheTurnAsTheCommandDoes() async throws {
        var template = DraftEffectTests.slogan
        template.persona = "ghostwriter"
        var fixture = try RunnerFixture(templates: [template])
        defer { fixture.remove() }
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let event = await fixture.run(.startDraft(filled, template: template, conversationID: nil))
        guard case .turnFailed(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.hasPrefix("unknown persona 'ghostwriter'"))
    }

    /// The template is gone (not in the library): the kind's persona revises, as with `parley write --revise`.
    @Test func reviseDraftWritesTheNextVersion() async throws {
        let backend = ScriptedBackend.replying(["1. Cups that care."])
        var fixture = try RunnerFixture(backend: backend, templates: [])
        defer { fixture.remove() }
        let draft = try storedDraft(fixture)
        let events = await fixture.run(.reviseDraft(draft, instruction: "warmer"), through: \.isTurnEnd)
        guard case .draftTurnFinished(let revised?, _) = events.last else { Issue.record("got \(events)"); return }
        #expect(revised.versionCount == 3)
        #expect(revised.current.text == "1. Cups that care.")
        #expect(try fixture.drafts.load(id: "draft-1").versionCount == 3)
        #expect(backend.requests.all.first?.messages.first?.content == (try fixture.personas.persona(named: "copywriter")).systemPrompt)
    }

    @Test func selectDraftVersionRecordsTheCurrentVersion() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        _ = try storedDraft(fixture)
        await fixture.runQuietly(.selectDraftVersion(draftID: "draft-1", number: 1))
        #expect(try fixture.drafts.load(id: "draft-1").currentNumber == 1)
    }

    @Test func selectingAVersionThatIsNotThereIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        _ = try storedDraft(fixture)
        let event = await fixture.run(.selectDraftVersion(draftID: "draft-1", number: 7))
        #expect(event == .error("draft draft-1 has no version 7; it has versions 1 to 2"))
    }

    @Test func loadDraftFindsTheConversationsDraft() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let draft = try storedDraft(fixture)
        _ = try fixture.drafts.documents.update(id: draft.id) { $0.conversationID = "conv-w" }
        let found = await fixture.run(.loadDraft(conversationID: "conv-w"))
        #expect(found == .draftLoaded(try fixture.drafts.load(id: "draft-1")))
        let none = await fixture.run(.loadDraft(conversationID: "conv-other"))
        #expect(none == .draftLoaded(nil))
    }
}
