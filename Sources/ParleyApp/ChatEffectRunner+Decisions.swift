import ParleyCore
import ParleyDecide
import ParleyEngine
import ParleyStore
import ParleyTUI

/// Decide mode: the decision flow as a turn, and records saved, loaded and exported.
extension ChatEffectRunner {
    /// The decisions directory under the storage root, opened once (on first use, so that a chat
    /// that never decides leaves no `decisions/` behind).
    func decisions() throws -> DocumentStore<DecisionRecord> {
        if let decisionStore { return decisionStore }
        let deliver = self.deliver
        let opened = try DecisionRecord.store(root: services.storageDirectory, diagnostics: { deliver(.error($0)) })
        decisionStore = opened
        return opened
    }

    /// Queues a save of the record; a failure becomes the error line. Not isolated, so that the
    /// flow's partial records queue their saves in the order the flow made them.
    nonisolated func saveDecision(_ record: DecisionRecord) {
        inOrder(failure: ChatEffectRunner.decisionNotSaved) { [self] in
            try await decisions().save(record)
            return nil
        }
    }

    static let decisionNotSaved = "the decision was not saved: "

    func loadDecision(_ conversationID: String) {
        inOrder { [self] in
            .decisionLoaded(try await decisions().latest(forConversation: conversationID), conversationID: conversationID)
        }
    }

    func exportDecision(_ record: DecisionRecord, format: SlashCommand.ExportFormat, path: String?) {
        inOrder {
            let text = format == .md ? DecisionReport.markdown(record) : try JSONOutput.encode(record) + "\n"
            return try ChatEffectRunner.save(
                text, to: path ?? "parley-decision-\(record.id).\(format.rawValue)", overwrite: false, what: .decision)
        }
    }

    /// Runs the decision flow in the conversation as the current turn (Ctrl-C cancels it like a
    /// reply): prompts and reply text go to the transcript, progress and partial records to the
    /// panel, and the record is saved as it fills and, before the screen hears the end, once more.
    func startDecision(_ start: DecisionRecord, conversationID: String, create: Conversation?) {
        // The flow's prompts are written for the decision coach, as on the command line.
        let coach = services.personas.decisionCoach
        var settings = TurnSettings(
            systemPrompt: coach.systemPrompt, examples: coach.examples,
            sampling: sampling.options(for: coach, defaults: services.samplingDefaults, defaultLength: false))
        settings.backendChoice = backendChoice
        let (store, deliver, jobs, now) = (services.conversations, self.deliver, self.jobs, services.now)
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: backend, settings: settings, persona: coach.name,
            conversationID: conversationID, title: start.question, onText: { deliver(.turnText($0)) })
        let session = DecisionSession(
            turns: AnnouncedDecisionTurns(base: turns, announce: { deliver(.decisionPrompt($0.prompt, step: $0.step)) }),
            progress: { deliver(.decisionStage($0)) },
            partial: { [self] record in
                deliver(.decisionPartial(record))
                saveDecision(record)
            })
        startAsTurn { [self] in
            var record = start
            do {
                if let create { try await jobs.perform { try store.create(create) } }
                // The notice itself is drawn framed under the prompt that carries the question.
                if CrisisCheck.matches(start.question) { deliver(.turnNotice(ChatEffectRunner.supportContactsNotice)) }
                saveDecision(record)
                record = try await session.run(start)
            } catch {
                deliver(.decisionFailed(oneLineDescription(of: error)))
                return
            }
            record.updatedAt = now()
            let finished = record
            do {
                try await jobs.perform { try await self.decisions().save(finished) }
            } catch {
                deliver(.error(ChatEffectRunner.decisionNotSaved + oneLineDescription(of: error)))
            }
            deliver(.decisionFinished(finished, try? store.load(id: conversationID).conversation))
        }
    }
}
