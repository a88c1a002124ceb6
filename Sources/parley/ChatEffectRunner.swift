import Foundation
import ParleyConfig
import ParleyCore
import ParleyEngine
import ParleyPersonas
import ParleyStore
import ParleyTUI

/// Carries out what the chat reducer asks for (turns, storage, backends, files) and reports the
/// results back as events. The only place the chat screen has side effects besides the terminal.
final class ChatEffectRunner: @unchecked Sendable {
    private let context: AppContext
    private let store: ConversationStore
    private let personas: PersonaLibrary
    private let backendOptions: BackendOptions
    private let sampling: SamplingFlags
    private let deliver: @Sendable (ChatEvent) -> Void
    private let lock = NSLock()
    private var persona: Persona
    private var backend: any ChatBackend
    private var turn: Task<Void, Never>?
    private var indexRefresh: Task<Void, Never>?

    /// How long after the last save the index is refreshed: `newest.json` can only vouch for a
    /// directory that has been still for 2 s (see `ConversationIndex.settleSeconds`).
    static let indexRefreshDelay: Duration = .milliseconds(2_500)

    init(
        context: AppContext, store: ConversationStore, personas: PersonaLibrary, persona: Persona, backend: any ChatBackend,
        backendOptions: BackendOptions, sampling: SamplingFlags, deliver: @escaping @Sendable (ChatEvent) -> Void
    ) {
        self.context = context
        self.store = store
        self.personas = personas
        self.persona = persona
        self.backend = backend
        self.backendOptions = backendOptions
        self.sampling = sampling
        self.deliver = deliver
    }

    /// Waits for a running turn to end, cancelling it first if asked (its partial reply is saved).
    func finishTurn(cancel: Bool) async {
        let running = lock.withLock { turn }
        if cancel { running?.cancel() }
        await running?.value
    }

    /// After the conversations changed, lists them once things have been still for a while, off the
    /// screen's loop, so that `index.json` and `newest.json` are current when this screen closes and
    /// the next `parley --continue` finds the newest conversation without a listing of its own.
    /// A later save starts the wait again.
    func refreshIndexSoon() {
        let store = self.store
        let task = Task.detached(priority: .background) {
            try? await Task.sleep(for: ChatEffectRunner.indexRefreshDelay)
            guard !Task.isCancelled else { return }
            _ = try? store.list()
        }
        lock.withLock {
            indexRefresh?.cancel()
            indexRefresh = task
        }
    }

    func run(_ effect: ChatEffect) {
        switch effect {
        case .send(let text, let conversationID, let personaName, let mode, let replacingFrom):
            startTurn { [store] in
                if let replacingFrom, let conversationID {
                    try store.update(id: conversationID) { conversation in
                        if let index = conversation.messages.firstIndex(where: { $0.id == replacingFrom }) {
                            conversation.messages.removeSubrange(index...)
                        }
                    }
                }
                return conversationID.map { .existing(id: $0) } ?? .newConversation(persona: personaName, mode: mode)
            } text: { text } after: { outcome in outcome.conversation }
        case .retry(let conversationID, let userMessageID, let text, let previousVersions):
            startTurn { [store] in
                try store.update(id: conversationID) { conversation in
                    if let index = conversation.messages.firstIndex(where: { $0.id == userMessageID }) {
                        conversation.messages.removeSubrange(index...)
                    }
                }
                return .existing(id: conversationID)
            } text: { text } after: { [store] outcome in
                let versions = previousVersions + [outcome.reply.content]
                guard versions.count > 1 else { return outcome.conversation }
                return try store.update(id: conversationID) { conversation in
                    if let index = conversation.messages.lastIndex(where: { $0.id == outcome.reply.id }) {
                        conversation.messages[index].alternatives = versions
                    }
                }
            }
        case .cancelTurn:
            lock.withLock { turn }?.cancel()
        case .createConversation(let conversation):
            background { [store] in
                try store.create(conversation)
                return nil
            }
        case .listConversations:
            background(saves: false) { [store] in
                .conversationsListed(try store.list().map {
                    ConversationListEntry(id: $0.id, title: $0.title, updatedAt: $0.updatedAt, messageCount: $0.messageCount)
                })
            }
        case .openConversation(let id):
            background(saves: false) { [store] in
                let stored = try store.load(id: id)
                return .conversationLoaded(stored.conversation, readOnly: stored.isReadOnly)
            }
        case .renameConversation(let id, let title):
            background { [store] in
                try store.update(id: id) { $0.title = title }
                return .conversationRenamed(id: id, title: title)
            }
        case .trashConversation(let id):
            background { [store] in
                try store.trash(id: id)
                return .conversationTrashed(id: id)
            }
        case .setMode(let id, let mode):
            background { [store] in
                try store.update(id: id) { $0.mode = mode }
                return nil
            }
        case .addSystemMessage(let id, let text):
            background { [store] in
                try store.update(id: id) { $0.messages.append(Message(role: .system, content: text)) }
                return nil
            }
        case .setPersona(let name, let conversationID):
            background { [self] in
                let chosen = try personas.persona(named: name)
                lock.withLock { persona = chosen }
                if let conversationID { try store.update(id: conversationID) { $0.persona = chosen.name } }
                return .personaChanged(chosen.name)
            }
        case .setBackend(let name):
            var options = backendOptions
            options.backend = name
            options.baseURL = nil
            options.gguf = nil
            options.model = nil
            switchBackend(options)
        case .setModel(let model):
            var options = backendOptions
            options.model = model
            switchBackend(options)
        case .chooseAlternative(let id, let messageID, let content):
            background { [store] in
                try store.update(id: id) { conversation in
                    if let index = conversation.messages.firstIndex(where: { $0.id == messageID }) {
                        conversation.messages[index].content = content
                    }
                }
                return nil
            }
        case .export(let conversation, let format, let path):
            background(saves: false) {
                let text: String
                switch format {
                case .md: text = TranscriptFormatter.markdown(conversation)
                case .json: text = try JSONOutput.encode(conversation) + "\n"
                }
                let target = path ?? "parley-\(conversation.id).\(format.rawValue)"
                try FileOutput.write(text, to: target)
                return .notice("exported to \(target)")
            }
        case .search(let text):
            background(saves: false) { [store] in
                .searchResults(query: text, try store.search(text).map {
                    ConversationListEntry(
                        id: $0.conversation.id, title: $0.conversation.title, updatedAt: $0.conversation.updatedAt,
                        messageCount: $0.conversation.messageCount, snippet: $0.snippet)
                })
            }
        case .copyToClipboard, .quit:
            break  // the terminal and the loop handle these
        }
    }

    private func switchBackend(_ options: BackendOptions) {
        background(saves: false) { [self] in
            let preferred = lock.withLock { persona.backend }
            let made = try BackendFactory(context: context).make(options, preferred: preferred)
            lock.withLock { backend = made }
            return .backendChanged(BackendInfo(name: made.descriptor.name, model: made.descriptor.model, contextSize: made.contextSize))
        }
    }

    /// Runs a storage or file job off the UI loop; errors become the error line. Jobs that may have
    /// saved something refresh the index afterwards.
    private func background(saves: Bool = true, _ job: @escaping @Sendable () throws -> ChatEvent?) {
        let deliver = self.deliver
        Task.detached { [self] in
            do {
                if let event = try job() { deliver(event) }
            } catch {
                deliver(.error(oneLineDescription(of: error)))
            }
            if saves { refreshIndexSoon() }
        }
    }

    /// Starts a turn in a task of its own. Its events become reducer messages as they arrive.
    private func startTurn(
        prepare: @escaping @Sendable () throws -> TurnTarget, text: @escaping @Sendable () -> String,
        after: @escaping @Sendable (TurnOutcome) throws -> Conversation
    ) {
        let (persona, backend) = lock.withLock { (self.persona, self.backend) }
        let settings = TurnSettings(
            systemPrompt: persona.systemPrompt, examples: persona.examples,
            sampling: SamplingOptions(
                temperature: sampling.temperature ?? persona.temperature ?? context.config.sampling.temperature,
                topP: persona.topP ?? context.config.sampling.topP,
                maxTokens: sampling.maxTokens ?? context.config.sampling.maxTokens,
                seed: sampling.seed ?? context.config.sampling.seed))
        let engine = ConversationEngine(store: store)
        let deliver = self.deliver
        // No listing while a reply streams; the turn's end schedules one again.
        lock.withLock { indexRefresh?.cancel() }
        let task = Task.detached {
            do {
                let target = try prepare()
                let outcome = try await engine.send(text(), to: target, using: backend, settings: settings) { event in
                    switch event {
                    case .started(let conversationID, let messageID):
                        deliver(.turnStarted(conversationID: conversationID, messageID: messageID))
                    case .text(let piece):
                        deliver(.turnText(piece))
                    case .notice(let notice):
                        deliver(.turnNotice(notice))
                    case .safetyNotice:
                        // The notice itself is drawn in the transcript, framed, under the message
                        // that set it off (TranscriptLayout derives it with the same check).
                        deliver(.turnNotice("support contacts are shown above the reply"))
                    case .contextTrimmed(let dropped, let tokens, let size):
                        deliver(.turnNotice("left the \(dropped) oldest messages out so the conversation fits the context (\(tokens) of \(size) tokens)"))
                    case .reasoning(let piece):
                        deliver(.turnReasoning(piece))
                    }
                }
                deliver(.turnFinished(try after(outcome)))
            } catch {
                deliver(.turnFailed(oneLineDescription(of: error)))
            }
            self.refreshIndexSoon()
        }
        lock.withLock { turn = task }
    }
}
