import Foundation
import ParleyCore
import ParleyDecide
import ParleyStore
import ParleyTUI

/// Carries out what the chat reducer asks for (turns, storage, backends, files) and reports the
/// results back as events. The only place the chat screen has side effects besides the terminal.
///
/// An actor: the persona, backend, schema and running turn change only on it. `run` only starts
/// work and returns, so the screen's loop never waits for a model, a server or the disk. Storage
/// and file jobs go through one queue of their own and so land in the order they were asked for.
/// The work itself is in extensions by concern: turns, conversations, backends, decisions,
/// drafts and pictures.
actor ChatEffectRunner {
    let services: ChatServices
    /// The command line's backend options (`/backend` and `/model` start from them).
    let backendOptions: BackendOptions
    let sampling: SamplingFlags
    let deliver: @Sendable (ChatEvent) -> Void
    var persona: Persona
    var backend: any ChatBackend
    /// What the conversation remembers of `backend` (recorded with every turn).
    var backendChoice: BackendChoice
    /// LoRA adapters chosen with /lora (nil: those of the options or the config).
    var loras: [String]?
    /// The schema chat replies follow (`/schema`), nil when none.
    var responseFormat: ResponseFormat?
    /// The reply, decision flow or picture in progress: one at a time, and Ctrl-C cancels it.
    var turn: Task<Void, Never>?
    /// The decisions directory, opened on first use.
    var decisionStore: DocumentStore<DecisionRecord>?
    var indexRefresh: Task<Void, Never>?
    /// Storage and file jobs (saves, loads, listings, exports), one at a time in the order asked:
    /// a choice and a page to another version right after it must land in that order, and a
    /// listing shows what was saved before it was asked for.
    let jobs = SerialJobQueue()
    /// Backend switches, one after another: `/model a` then `/model b` ends on b.
    let backendSwitches = SerialJobQueue()

    /// How long after the last save the index is refreshed: `newest.json` can only vouch for a
    /// directory that has been still for 2 s (see `ConversationIndex.settleSeconds`).
    static let indexRefreshDelay: Duration = .milliseconds(2_500)

    init(
        services: ChatServices, persona: Persona, backend: any ChatBackend, backendChoice: BackendChoice,
        backendOptions: BackendOptions, sampling: SamplingFlags, deliver: @escaping @Sendable (ChatEvent) -> Void
    ) {
        self.services = services
        self.persona = persona
        self.backend = backend
        self.backendChoice = backendChoice
        self.backendOptions = backendOptions
        self.sampling = sampling
        self.deliver = deliver
    }

    /// Starts what `effect` asks for and returns; the results arrive through `deliver`.
    func run(_ effect: ChatEffect) {
        switch effect {
        case .send(let text, let conversationID, let personaName, let mode, let replacingFrom):
            send(text, conversationID: conversationID, persona: personaName, mode: mode, replacingFrom: replacingFrom)
        case .retry(let conversationID, let userMessageID, let text, let previousVersions, let previousReply):
            retry(conversationID, userMessageID: userMessageID, text: text, previousVersions: previousVersions, previousReply: previousReply)
        case .cancelTurn: turn?.cancel()
        case .createConversation(let conversation): createConversation(conversation)
        case .listConversations: listConversations()
        case .openConversation(let id): openConversation(id)
        case .renameConversation(let id, let title): renameConversation(id, title: title)
        case .trashConversation(let id): trashConversation(id)
        case .setMode(let id, let mode): setMode(id, mode: mode)
        case .addSystemMessage(let id, let text): addSystemMessage(id, text: text)
        case .setSchema(let path): setSchema(path)
        case .setPersona(let name, let conversationID): setPersona(name, conversationID: conversationID)
        case .setBackend(let name): setBackend(name)
        case .listModels: listModels()
        case .setModel(let model): setModel(model)
        case .setLoRA(let text): setLoRA(text)
        case .chooseAlternative(let id, let messageID, let content): chooseAlternative(id, messageID: messageID, content: content)
        case .export(let conversation, let format, let path): export(conversation, format: format, path: path)
        case .exportDecision(let record, let format, let path): exportDecision(record, format: format, path: path)
        case .search(let text): search(text)
        case .copyToClipboard, .quit, .editIdeal:
            break  // the terminal and the loop handle these
        case .saveFeedback(let conversationID, let messageID, let change): saveFeedback(conversationID, messageID: messageID, change)
        case .runDecision(let record, let conversationID, let create): startDecision(record, conversationID: conversationID, create: create)
        case .saveDecision(let record): saveDecision(record)
        case .loadDecision(let conversationID): loadDecision(conversationID)
        case .startDraft(let filled, let template, let conversationID): startDraft(filled, template: template, conversationID: conversationID)
        case .reviseDraft(let draft, let instruction): reviseDraft(draft, instruction: instruction)
        case .selectDraftVersion(let draftID, let number): selectDraftVersion(draftID, number: number)
        case .saveText(let text, let path, let overwrite, let what): saveText(text, to: path, overwrite: overwrite, what: what)
        case .loadDraft(let conversationID): loadDraft(conversationID)
        case .makePicture(let order, let request, let conversationID, let persona, let mode):
            startPicture(order, request: request, conversationID: conversationID, persona: persona, mode: mode)
        case .openPicture(let name): openPicture(name)
        case .listImageNames: listImageNames()
        }
    }

    /// Waits for a running turn to end, cancelling it first if asked (its partial reply is saved).
    func finishTurn(cancel: Bool) async {
        let running = turn
        if cancel { running?.cancel() }
        await running?.value
        // Saves of decision edits and feedback still queued reach the disk before the program leaves.
        await jobs.drain()
        // And the local model's state of this conversation, for the next process that opens it.
        await backend.finishBackgroundWork()
    }

    /// After the conversations changed, lists them once things have been still for a while, off the
    /// screen's loop, so that `index.json` and `newest.json` are current when this screen closes and
    /// the next `parley --continue` finds the newest conversation without a listing of its own.
    /// A later save starts the wait again.
    func refreshIndexSoon() {
        indexRefresh?.cancel()
        let store = services.conversations
        indexRefresh = Task.detached(priority: .background) {
            try? await Task.sleep(for: ChatEffectRunner.indexRefreshDelay)
            guard !Task.isCancelled else { return }
            _ = try? store.list()
        }
    }

    /// Queues a storage or file job behind the others; what it returns is delivered, and a failure
    /// becomes the error line (after `failure`, which says what was not done). Jobs that changed
    /// conversations refresh the index afterwards.
    nonisolated func inOrder(
        refreshesIndex: Bool = false, failure: String = "", _ job: @escaping @Sendable () async throws -> ChatEvent?
    ) {
        let deliver = self.deliver
        jobs.enqueue { [self] in
            do {
                if let event = try await job() { deliver(event) }
            } catch {
                deliver(.error(failure + oneLineDescription(of: error)))
            }
            if refreshesIndex { await refreshIndexSoon() }
        }
    }

    /// Starts `work` as the turn Ctrl-C cancels; the index is not listed while it runs, and is
    /// listed again after it.
    func startAsTurn(_ work: @escaping @Sendable () async -> Void) {
        indexRefresh?.cancel()
        turn = Task.detached { [self] in
            await work()
            await refreshIndexSoon()
        }
    }
}
