import Foundation
import ParleyCore
import ParleyDecide

/// Decide mode joined to the chat: `/mode decide` opens the decision panel (`DecideFeature`'s
/// state), the next message is the question and runs the decision flow in this conversation (its
/// prompts and replies stream into the transcript, the panel fills as each step is read). What
/// the panel does is `DecideFeature`'s; this is the transcript, phase and title around it.
extension ChatReducer {
    /// Runs `DecideFeature` on the decision panel; nil when there is none.
    func decide(_ state: inout ChatState, _ action: DecideFeature.Action, now: Date) -> [ChatEffect]? {
        let env = decideEnvironment(state, now: now)
        return scope(&state, \.decisionPanel) { decideFeature.reduce(&$0, action, env) }
    }

    func decideEnvironment(_ state: ChatState, now: Date) -> DecideFeature.Environment {
        DecideFeature.Environment(now: now, makeID: makeID, conversationID: state.conversation.id, backend: state.backend)
    }

    /// `/mode decide`: the panel opens on an empty record (or, for a stored conversation, on its
    /// newest saved decision once read back).
    func enterDecideMode(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        state.conversation.mode = .decide
        state.decisionPanel = decideFeature.newPanel(decideEnvironment(state, now: now))
        let hidden = !ScreenGeometry(state).showsPanel
        state.notice = ChatNotice("decide mode: your next message is the question" + (hidden ? " (F3 shows the decision panel)" : ""))
        guard state.isStored else { return [] }
        return [.setMode(conversationID: state.conversation.id, mode: .decide), .loadDecision(conversationID: state.conversation.id)]
    }

    /// `/option`, `/criterion`, `/score`, `/outcome`, `/decide`: the table has checked the mode;
    /// a decide conversation begun without its panel (a new one with a decide persona) has none yet.
    func runDecide(_ command: SlashCommand, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        let effects: [ChatEffect]?
        switch command {
        case .decisionEdit(let edit): effects = decide(&state, .edit(edit), now: now)
        case .outcome(let text): effects = decide(&state, .outcome(text), now: now)
        case .decide(let question): effects = startDecisionFlow(&state, .start(question: question), now: now)
        default: effects = []
        }
        guard let effects else {
            state.notice = CommandRequirements.wrongMode(.decide, command: command.kind.rawValue)
            return []
        }
        return effects
    }

    /// The message sent while the panel has no question is the question: the flow starts on it.
    /// Nil when the message is an ordinary one.
    func askDecisionQuestion(_ text: String, _ state: inout ChatState, now: Date) -> [ChatEffect]? {
        guard let panel = state.decisionPanel, panel.record.question.isEmpty, state.editingMessageID == nil,
            !DecisionNames.clean(text).isEmpty
        else { return nil }
        if state.inputHistory.last != text { state.inputHistory.append(text) }
        state.historyIndex = nil
        state.input.clear()
        state.scrollOffset = 0
        return startDecisionFlow(&state, .ask(text), now: now)
    }

    /// Starts the flow when the panel agrees (it asks for `runDecision` on its record): the
    /// conversation is titled with the question, saved first when new, and the screen waits.
    private func startDecisionFlow(_ state: inout ChatState, _ action: DecideFeature.Action, now: Date) -> [ChatEffect]? {
        guard let effects = decide(&state, action, now: now) else { return nil }
        guard case .runDecision(let record, let conversationID, _)? = effects.first else { return effects }
        // A decide conversation is titled with its question (a conversation with only the flow's own
        // steps in it has no title of the user's to keep).
        let userWrote = state.conversation.messages.contains { $0.role == .user && !$0.isInternal }
        var rename: [ChatEffect] = []
        let title = Conversation.suggestedTitle(from: record.question)
        if (state.conversation.title.isEmpty || !userWrote) && state.conversation.title != title {
            state.conversation.title = title
            if state.isStored { rename = [.renameConversation(id: state.conversation.id, title: title)] }
        }
        var create: Conversation?
        if !state.isStored {
            create = state.conversation
            state.isStored = true
        }
        state.notice = nil
        state.lastRate = nil
        state.phase = .waiting(since: now)
        return [.runDecision(record, conversationID: conversationID, create: create)] + rename
    }

    /// The flow's progress and results: the transcript and phase here, the panel in `DecideFeature`.
    func reduceDecisionEvent(_ state: inout ChatState, _ event: ChatEvent, now: Date) -> [ChatEffect] {
        switch event {
        case .decisionLoaded(let record, let conversationID):
            guard let record, conversationID == state.conversation.id else { return [] }
            _ = decide(&state, .loaded(record), now: now)
        case .decisionPrompt(let prompt, let step):
            settleStreamingReply(&state, status: .complete, error: nil)
            state.conversation.messages.append(Message(id: makeID(), role: .user, content: prompt, createdAt: now, internalStep: step))
            state.conversation.messages.append(
                Message(
                    id: makeID(), role: .assistant, content: "", createdAt: now, status: .streaming, backend: state.backend.name,
                    model: state.backend.model))
            state.contextTokens = ChatState.estimateContext(state.conversation)
            state.phase = .waiting(since: now)
        case .decisionStage(let stage):
            _ = decide(&state, .stage(stage), now: now)
        case .decisionPartial(let record):
            _ = decide(&state, .partial(record), now: now)
        case .decisionFinished(let record, let conversation):
            state.phase = .idle
            if let conversation, conversation.id == state.conversation.id {
                state.conversation = conversation
                state.contextTokens = ChatState.estimateContext(conversation)
            } else {
                settleStreamingReply(&state, status: .complete, error: nil)
            }
            _ = decide(&state, .finished(record), now: now)
        case .decisionFailed(let reason):
            state.phase = .idle
            settleStreamingReply(&state, status: .failed, error: reason)
            _ = decide(&state, .failed, now: now)
            state.notice = ChatNotice("the decision could not go on: \(reason) (what was filled in is kept)", isError: true)
        default:
            break
        }
        return []
    }

    /// Ends the placeholder of the flow's previous prompt (the stored conversation replaces it at the end).
    private func settleStreamingReply(_ state: inout ChatState, status: MessageStatus, error: String?) {
        guard let last = state.conversation.messages.indices.last, state.conversation.messages[last].status == .streaming else { return }
        state.conversation.messages[last].status = status
        state.conversation.messages[last].error = error
    }
}
