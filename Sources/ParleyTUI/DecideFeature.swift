import Foundation
import ParleyCore
import ParleyDecide

/// Decide mode's own part of the chat screen: the decision panel (its state) and what changes it,
/// namely the user's edits (`/option`, `/criterion`, `/score`, `/outcome`) and the decision flow's
/// progress and results. Every change that leaves a question on the record is saved (an effect).
///
/// It sees only its panel: the transcript, the turn's phase and the conversation's title are the
/// chat's, which `ChatReducer+Decide` joins to this (the chat holds the panel while the mode is
/// decide, and forwards each action by one case).
public struct DecideFeature: Sendable {
    public typealias State = DecisionPanel

    public enum Action: Sendable, Equatable {
        /// `/option`, `/criterion`, `/score`.
        case edit(DecisionEditCommand)
        /// `/outcome TEXT`.
        case outcome(String)
        /// `/decide`: the flow is to fill in what the record lacks; `/decide QUESTION`: a new
        /// record on that question. Answered by `runDecision` on the record unless refused.
        case start(question: String?)
        /// The question typed as a message, for the record shown (options added before it stay).
        case ask(String)
        /// `/export` in decide mode: the decision's report or record, once it has a question.
        case export(format: SlashCommand.ExportFormat, path: String?)
        /// The newest saved decision of the conversation, read back.
        case loaded(DecisionRecord)
        /// What the flow is doing now ("asking for options").
        case stage(String)
        /// The record as far as the flow has filled it in.
        case partial(DecisionRecord)
        /// The flow ended and saved the record.
        case finished(DecisionRecord)
        /// The flow could not go on (the chat says why).
        case failed
    }

    /// What the mode needs from outside its panel.
    public struct Environment: Sendable {
        public var now: Date
        public var makeID: @Sendable () -> String
        /// The conversation the decision belongs to, and the backend that would fill it in.
        public var conversationID: String
        public var backend: BackendInfo

        public init(now: Date, makeID: @escaping @Sendable () -> String, conversationID: String, backend: BackendInfo) {
            self.now = now
            self.makeID = makeID
            self.conversationID = conversationID
            self.backend = backend
        }
    }

    static let flowRunning = "the model is filling in the decision: wait, or press Ctrl-C to stop it"

    public init() {}

    /// The panel decide mode opens with: an empty record of this conversation.
    public func newPanel(_ env: Environment) -> State { DecisionPanel(record: newRecord(env)) }

    public func reduce(_ panel: inout State, _ action: Action, _ env: Environment) -> ModeStep {
        switch action {
        case .edit(let edit):
            if panel.isRunning { return .refused(DecideFeature.flowRunning) }
            var record = panel.record
            if let problem = edit.apply(to: &record) { return .refused(problem) }
            record.updatedAt = env.now
            panel.record = record
            return saved(record, edit.summary)
        case .outcome(let text):
            if panel.isRunning { return .refused(DecideFeature.flowRunning) }
            guard !panel.record.question.isEmpty else { return .refused("no decision yet to record an outcome for: ask the question first") }
            do {
                try panel.record.setOutcome(text, date: env.now)
            } catch {
                return .refused(oneLineDescription(of: error))
            }
            return saved(panel.record, "outcome recorded")
        case .ask(let question):
            panel.record.question = DecisionNames.clean(question)
            return begin(&panel, env)
        case .start(let question):
            if let question {
                panel.record = newRecord(env)
                panel.record.question = DecisionNames.clean(question)
            }
            return begin(&panel, env)
        case .export(let format, let path):
            guard !panel.record.question.isEmpty else { return ModeStep() }
            return ModeStep([.exportDecision(panel.record, format: format, path: path)])
        case .loaded(let record):
            guard !panel.isRunning else { return ModeStep() }
            let untouched = panel.record.question.isEmpty && panel.record.options.isEmpty && panel.record.criteria.isEmpty
            guard untouched || panel.record.id == record.id else { return ModeStep() }
            panel.record = record
            guard untouched && !record.question.isEmpty else { return ModeStep() }
            return ModeStep(notice: ChatNotice("decide mode: reopened \u{201C}\(record.question)\u{201D} (/decide fills in what is missing)"))
        case .stage(let stage):
            if panel.isRunning { panel.progress = stage }
            return ModeStep()
        case .partial(let record):
            if panel.record.id == record.id { panel.record = record }
            return ModeStep()
        case .finished(let record):
            guard panel.record.id == record.id else { return ModeStep() }
            panel.record = record
            panel.progress = nil
            return ModeStep(notice: DecideFeature.finishedNotice(record))
        case .failed:
            panel.progress = nil
            return ModeStep()
        }
    }

    /// Readies the record for the flow and asks for it, or says the question is missing.
    private func begin(_ panel: inout State, _ env: Environment) -> ModeStep {
        guard !panel.record.question.isEmpty else { return .refused("no question yet: type it and press Enter") }
        panel.record.conversationID = env.conversationID
        panel.record.backend = env.backend.name
        panel.record.model = env.backend.model.isEmpty ? nil : env.backend.model
        // Notes about an earlier run that stopped or found no model no longer hold.
        panel.record.notes.removeAll { $0 == DecisionSession.stoppedNote || $0.hasPrefix(DecisionSession.unavailablePrefix) }
        panel.progress = "starting"
        panel.scroll = 0
        return ModeStep([.runDecision(panel.record, conversationID: env.conversationID, create: nil)])
    }

    private func newRecord(_ env: Environment) -> DecisionRecord {
        DecisionRecord(
            id: env.makeID(), question: "", createdAt: env.now, conversationID: env.conversationID,
            backend: env.backend.name, model: env.backend.model.isEmpty ? nil : env.backend.model)
    }

    /// The notice after an edit, and the save once the record has a question.
    private func saved(_ record: DecisionRecord, _ what: String) -> ModeStep {
        guard !record.question.isEmpty else {
            return ModeStep(notice: ChatNotice(what + DecideFeature.leaderText(record) + " (saved once you ask the question)"))
        }
        return ModeStep([.saveDecision(record)], notice: ChatNotice(what + DecideFeature.leaderText(record)))
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
}
