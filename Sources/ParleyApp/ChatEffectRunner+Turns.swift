import ParleyCore
import ParleyEngine
import ParleyTUI

/// Chat turns: a message sent (or edited and sent again), a reply regenerated, and how the
/// engine's events reach the screen.
extension ChatEffectRunner {
    /// Sends `text`; `replacingFrom` drops that message and everything after it first (edit and resend).
    func send(_ text: String, conversationID: String?, persona personaName: String, mode: Mode, replacingFrom: String?) {
        let store = services.conversations
        startTurn(text) {
            if let replacingFrom, let conversationID {
                try store.update(id: conversationID) { conversation in
                    if let index = conversation.messages.firstIndex(where: { $0.id == replacingFrom }) {
                        conversation.messages.removeSubrange(index...)
                    }
                }
            }
            return conversationID.map { .existing(id: $0) } ?? .newConversation(persona: personaName, mode: mode)
        } after: { outcome in
            outcome.conversation
        }
    }

    /// Drops the question and its reply, asks again, and keeps the old reply's versions (with their
    /// feedback) as alternatives of the new one.
    func retry(_ conversationID: String, userMessageID: String, text: String, previousVersions: [String], previousReply: Message) {
        let store = services.conversations
        startTurn(text) {
            try store.update(id: conversationID) { conversation in
                if let index = conversation.messages.firstIndex(where: { $0.id == userMessageID }) {
                    conversation.messages.removeSubrange(index...)
                }
            }
            return .existing(id: conversationID)
        } after: { outcome in
            guard !previousVersions.isEmpty else { return outcome.conversation }
            return try store.update(id: conversationID) { conversation in
                if let index = conversation.messages.lastIndex(where: { $0.id == outcome.reply.id }) {
                    conversation.messages[index] = conversation.messages[index].regenerated(
                        from: previousReply, previousVersions: previousVersions)
                }
            }
        }
    }

    /// Starts a turn. `prepare` runs on the job queue, so that it lands after the saves asked for
    /// before it; the turn's events then become screen events as they arrive.
    private func startTurn(
        _ text: String, prepare: @escaping @Sendable () throws -> TurnTarget,
        after: @escaping @Sendable (TurnOutcome) throws -> Conversation
    ) {
        var settings = TurnSettings(
            systemPrompt: persona.systemPrompt, examples: persona.examples,
            sampling: sampling.options(for: persona, defaults: services.samplingDefaults), format: responseFormat)
        settings.backendChoice = backendChoice
        let turnSettings = settings
        let engine = ConversationEngine(store: services.conversations)
        let (backend, deliver, jobs) = (self.backend, self.deliver, self.jobs)
        startAsTurn {
            do {
                let target = try await jobs.perform(prepare)
                let outcome = try await engine.send(text, to: target, using: backend, settings: turnSettings) { event in
                    ChatEffectRunner.forward(event, deliver)
                }
                deliver(.turnFinished(try after(outcome)))
                if case .invalid(let problem)? = outcome.formatCheck { deliver(.error(problem)) }
            } catch {
                deliver(.turnFailed(oneLineDescription(of: error)))
            }
        }
    }

    /// A turn event as the screen's event.
    static func forward(_ event: TurnEvent, _ deliver: @Sendable (ChatEvent) -> Void) {
        switch event {
        case .started(let conversationID, let messageID):
            deliver(.turnStarted(conversationID: conversationID, messageID: messageID))
        case .text(let piece):
            deliver(.turnText(piece))
        case .notice(let notice):
            deliver(.turnNotice(notice))
        case .safetyNotice:
            // The notice itself is drawn in the transcript, framed, under the message that set it
            // off (TranscriptLayout derives it with the same check).
            deliver(.turnNotice(ChatEffectRunner.supportContactsNotice))
        case .contextTrimmed(let dropped, let tokens, let size):
            deliver(.turnNotice("left the \(dropped) oldest messages out so the conversation fits the context (\(tokens) of \(size) tokens)"))
        case .reasoning(let piece):
            deliver(.turnReasoning(piece))
        }
    }

    /// What the status line says when crisis language was seen; the contacts are drawn framed in
    /// the transcript.
    static let supportContactsNotice = "support contacts are shown above the reply"
}
