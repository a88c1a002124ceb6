import Foundation
import ParleyCore
import ParleyDecide

/// Decide mode: `/mode decide` opens the decision panel, the next message is the question and runs
/// the decision flow in this conversation (its prompts and replies stream into the transcript, the
/// panel fills as each step is read), and `/option`, `/criterion`, `/score`, `/outcome` edit the
/// record with the totals recomputed at once. Every change that leaves a question on the record is
/// saved (a background effect); reopening the conversation reads its newest record back.
extension ChatReducer {
    static let notInDecideMode = "works in decide mode: /mode decide first"
    static let flowRunning = "the model is filling in the decision: wait, or press Ctrl-C to stop it"

    // MARK: - Entering and leaving

    /// `/mode decide`: the panel opens on an empty record (or, for a stored conversation, on its
    /// newest saved decision once read back).
    func enterDecideMode(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        state.conversation.mode = .decide
        state.decisionPanel = DecisionPanel(record: newDecision(state, now: now))
        let hidden = !ScreenGeometry(state).showsPanel
        state.notice = ChatNotice("decide mode: your next message is the question" + (hidden ? " (F3 shows the decision panel)" : ""))
        guard state.isStored else { return [] }
        return [.setMode(conversationID: state.conversation.id, mode: .decide), .loadDecision(conversationID: state.conversation.id)]
    }

    /// After a conversation is opened: decide mode brings its panel (and its saved decision), any
    /// other mode closes a decision panel left from before.
    func decisionPanelAfterLoading(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        closeDecisionPanel(&state)
        guard state.conversation.mode == .decide else { return [] }
        state.decisionPanel = DecisionPanel(record: newDecision(state, now: now))
        return [.loadDecision(conversationID: state.conversation.id)]
    }

    /// At start-up with a stored conversation (`--conversation`, `--continue`): its mode's panel
    /// as when it is opened from the list.
    public func reopenPanel(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard state.isStored else { return [] }
        return decisionPanelAfterLoading(&state, now: now) + draftEffectsAfterLoading(&state)
    }

    func closeDecisionPanel(_ state: inout ChatState) {
        guard state.decisionPanel != nil else { return }
        state.decisionPanel = nil
        state.panelFullScreen = false
    }

    func newDecision(_ state: ChatState, now: Date) -> DecisionRecord {
        DecisionRecord(
            id: makeID(), question: "", createdAt: now, conversationID: state.conversation.id,
            backend: state.backend.name, model: state.backend.model.isEmpty ? nil : state.backend.model)
    }

    // MARK: - Running the flow

    /// The message sent while the panel has no question is the question: the flow starts on it.
    /// Nil when the message is an ordinary one.
    func askDecisionQuestion(_ text: String, _ state: inout ChatState, now: Date) -> [ChatEffect]? {
        guard var panel = state.decisionPanel, panel.record.question.isEmpty, state.editingMessageID == nil else { return nil }
        let question = DecisionNames.clean(text)
        guard !question.isEmpty else { return nil }
        panel.record.question = question
        state.decisionPanel = panel
        if state.inputHistory.last != text { state.inputHistory.append(text) }
        state.historyIndex = nil
        state.input.clear()
        state.scrollOffset = 0
        return startDecisionFlow(&state, now: now)
    }

    /// `/decide`: the model fills in what is still missing; `/decide QUESTION` starts a new decision.
    func rerunDecision(question: String?, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard var panel = state.decisionPanel else {
            state.notice = ChatNotice("/decide " + ChatReducer.notInDecideMode, isError: true)
            return []
        }
        if refusesNewTurn(&state) { return [] }
        if let question {
            panel.record = newDecision(state, now: now)
            panel.record.question = DecisionNames.clean(question)
        } else if panel.record.question.isEmpty {
            state.notice = ChatNotice("no question yet: type it and press Enter", isError: true)
            return []
        }
        panel.scroll = 0
        state.decisionPanel = panel
        return startDecisionFlow(&state, now: now)
    }

    private func startDecisionFlow(_ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard var panel = state.decisionPanel else { return [] }
        var record = panel.record
        record.conversationID = state.conversation.id
        record.backend = state.backend.name
        record.model = state.backend.model.isEmpty ? nil : state.backend.model
        // Notes about an earlier run that stopped or found no model no longer hold.
        record.notes.removeAll { $0 == DecisionSession.stoppedNote || $0.hasPrefix(DecisionSession.unavailablePrefix) }
        panel.record = record
        panel.progress = "starting"
        state.decisionPanel = panel
        var create: Conversation?
        // A decide conversation is titled with its question (a conversation with only the flow's own
        // steps in it has no title of the user's to keep).
        let userWrote = state.conversation.messages.contains { $0.role == .user && !$0.isInternal }
        var rename: [ChatEffect] = []
        let title = Conversation.suggestedTitle(from: record.question)
        if (state.conversation.title.isEmpty || !userWrote) && state.conversation.title != title {
            state.conversation.title = title
            if state.isStored { rename = [.renameConversation(id: state.conversation.id, title: title)] }
        }
        if !state.isStored {
            create = state.conversation
            state.isStored = true
        }
        state.notice = nil
        state.lastRate = nil
        state.phase = .waiting(since: now)
        return [.runDecision(record, conversationID: state.conversation.id, create: create)] + rename
    }

    func reduceDecisionEvent(_ state: inout ChatState, _ event: ChatEvent, now: Date) -> [ChatEffect] {
        switch event {
        case .decisionLoaded(let record, let conversationID):
            guard let record, conversationID == state.conversation.id, var panel = state.decisionPanel, !panel.isRunning else { return [] }
            let untouched = panel.record.question.isEmpty && panel.record.options.isEmpty && panel.record.criteria.isEmpty
            guard untouched || panel.record.id == record.id else { return [] }
            panel.record = record
            state.decisionPanel = panel
            if untouched && !record.question.isEmpty {
                state.notice = ChatNotice("decide mode: reopened \u{201C}\(record.question)\u{201D} (/decide fills in what is missing)")
            }
            return []
        case .decisionPrompt(let prompt, let step):
            settleStreamingReply(&state, status: .complete, error: nil)
            state.conversation.messages.append(Message(id: makeID(), role: .user, content: prompt, createdAt: now, internalStep: step))
            state.conversation.messages.append(
                Message(id: makeID(), role: .assistant, content: "", createdAt: now, status: .streaming, backend: state.backend.name, model: state.backend.model))
            state.contextTokens = ChatState.estimateContext(state.conversation)
            state.phase = .waiting(since: now)
            return []
        case .decisionStage(let stage):
            guard var panel = state.decisionPanel, panel.isRunning else { return [] }
            panel.progress = stage
            state.decisionPanel = panel
            return []
        case .decisionPartial(let record):
            guard var panel = state.decisionPanel, panel.record.id == record.id else { return [] }
            panel.record = record
            state.decisionPanel = panel
            return []
        case .decisionFinished(let record, let conversation):
            state.phase = .idle
            if let conversation, conversation.id == state.conversation.id {
                state.conversation = conversation
                state.contextTokens = ChatState.estimateContext(conversation)
            } else {
                settleStreamingReply(&state, status: .complete, error: nil)
            }
            guard var panel = state.decisionPanel, panel.record.id == record.id else { return [] }
            panel.record = record
            panel.progress = nil
            state.decisionPanel = panel
            state.notice = ChatReducer.finishedNotice(record)
            return []
        case .decisionFailed(let reason):
            state.phase = .idle
            settleStreamingReply(&state, status: .failed, error: reason)
            if var panel = state.decisionPanel {
                panel.progress = nil
                state.decisionPanel = panel
            }
            state.notice = ChatNotice("the decision could not go on: \(reason) (what was filled in is kept)", isError: true)
            return []
        default:
            return []
        }
    }

    /// Ends the placeholder of the flow's previous prompt (the stored conversation replaces it at the end).
    private func settleStreamingReply(_ state: inout ChatState, status: MessageStatus, error: String?) {
        guard let last = state.conversation.messages.indices.last, state.conversation.messages[last].status == .streaming else { return }
        state.conversation.messages[last].status = status
        state.conversation.messages[last].error = error
    }

    static func finishedNotice(_ record: DecisionRecord) -> ChatNotice {
        if record.notes.contains(DecisionSession.stoppedNote) {
            return ChatNotice("stopped: the decision keeps what was filled in (saved as decision \(record.id))")
        }
        if let unavailable = record.notes.first(where: { $0.hasPrefix(DecisionSession.unavailablePrefix) }) {
            return ChatNotice(unavailable, isError: true)
        }
        return ChatNotice("decision saved (\(record.id))" + leaderText(record))
    }

    /// "; Alpha leads with 7.25", or nothing before any option has a total.
    static func leaderText(_ record: DecisionRecord) -> String {
        guard let first = record.analysis.ranking.first else { return "" }
        let tied = record.analysis.ranking.filter { $0.rank == first.rank }.count > 1
        return tied ? "; tied at \(DecisionReport.format(first.total))" : "; \(first.option) leads with \(DecisionReport.format(first.total))"
    }

    // MARK: - Editing

    /// `/option`, `/criterion`, `/score`: all or nothing, the totals follow at once, and the record
    /// is saved once it has a question.
    func editDecision(_ edit: DecisionEditCommand, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard var panel = state.decisionPanel else {
            state.notice = ChatNotice("/\(ChatReducer.commandName(edit)) " + ChatReducer.notInDecideMode, isError: true)
            return []
        }
        if panel.isRunning {
            state.notice = ChatNotice(ChatReducer.flowRunning, isError: true)
            return []
        }
        var record = panel.record
        if let problem = edit.apply(to: &record) {
            state.notice = ChatNotice(problem, isError: true)
            return []
        }
        record.updatedAt = now
        panel.record = record
        state.decisionPanel = panel
        return saved(record, edit.summary, &state)
    }

    /// `/outcome TEXT`: what happened after the decision.
    func recordOutcome(_ text: String, _ state: inout ChatState, now: Date) -> [ChatEffect] {
        guard var panel = state.decisionPanel else {
            state.notice = ChatNotice("/outcome " + ChatReducer.notInDecideMode, isError: true)
            return []
        }
        if panel.isRunning {
            state.notice = ChatNotice(ChatReducer.flowRunning, isError: true)
            return []
        }
        guard !panel.record.question.isEmpty else {
            state.notice = ChatNotice("no decision yet to record an outcome for: ask the question first", isError: true)
            return []
        }
        do {
            try panel.record.setOutcome(text, date: now)
        } catch {
            state.notice = ChatNotice(oneLineDescription(of: error), isError: true)
            return []
        }
        state.decisionPanel = panel
        return saved(panel.record, "outcome recorded", &state)
    }

    private func saved(_ record: DecisionRecord, _ what: String, _ state: inout ChatState) -> [ChatEffect] {
        guard !record.question.isEmpty else {
            state.notice = ChatNotice(what + ChatReducer.leaderText(record) + " (saved once you ask the question)")
            return []
        }
        state.notice = ChatNotice(what + ChatReducer.leaderText(record))
        return [.saveDecision(record)]
    }

    static func commandName(_ edit: DecisionEditCommand) -> String {
        switch edit {
        case .addOption, .removeOption: return "option"
        case .criterion, .removeCriterion: return "criterion"
        case .score, .removeScore: return "score"
        }
    }
}
