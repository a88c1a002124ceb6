import ParleyCore
import ParleyEngine
import ParleyTUI
import ParleyWrite

/// Write mode: drafts written and revised as turns, versions chosen, drafts looked up.
extension ChatEffectRunner {
    func startDraft(_ filled: FilledTemplate, template: WritingTemplate, conversationID: String?) {
        startDraftTurn(personaName: template.personaName) { writer, onEvent in
            try await writer.start(filled, template: template, conversationID: conversationID, onEvent: onEvent)
        }
    }

    func reviseDraft(_ draft: Draft, instruction: String) {
        // The template may be gone since; then the revision is only checked for having changed.
        let template = try? services.templates.template(named: draft.template)
        startDraftTurn(personaName: draft.revisionPersonaName(template: template)) { writer, onEvent in
            try await writer.revise(draft, template: template, instruction: instruction, onEvent: onEvent)
        }
    }

    func selectDraftVersion(_ draftID: String, number: Int) {
        let drafts = services.drafts
        inOrder {
            _ = try drafts.select(version: number, of: draftID)
            return nil
        }
    }

    func loadDraft(_ conversationID: String) {
        let drafts = services.drafts
        inOrder { .draftLoaded(try drafts.draft(forConversation: conversationID)) }
    }

    /// Runs a draft turn (first version or revision) like a chat turn: its events stream to the
    /// screen, Ctrl-C cancels it, and the draft as stored comes back at the end. A persona the
    /// template names that is not there fails the turn, as `parley write` fails.
    private func startDraftTurn(
        personaName: String,
        _ body: @escaping @Sendable (DraftWriter, @escaping @Sendable (TurnEvent) -> Void) async throws -> DraftWriter.Result
    ) {
        let deliver = self.deliver
        let persona: Persona
        do {
            persona = try services.personas.persona(named: personaName)
        } catch {
            deliver(.turnFailed(oneLineDescription(of: error)))
            return
        }
        let writer = DraftWriter(
            engine: ConversationEngine(store: services.conversations), backend: backend, persona: persona,
            sampling: sampling.options(for: persona, defaults: services.samplingDefaults), drafts: services.drafts,
            backendChoice: backendChoice)
        startAsTurn {
            do {
                let result = try await body(writer) { event in ChatEffectRunner.forward(event, deliver) }
                deliver(.draftTurnFinished(draft: result.draft, conversation: result.outcome.conversation))
            } catch {
                deliver(.turnFailed(oneLineDescription(of: error)))
            }
        }
    }
}
