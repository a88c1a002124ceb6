import Foundation
import GGUFRuntime
import ParleyConfig
import ParleyCore
import ParleyDecide
import ParleyEngine
import ParleyHTTP
import ParleyImages
import ParleyLocal
import ParleyModels
import ParleyPersonas
import ParleyStore
import ParleyTUI
import ParleyWrite

/// Carries out what the chat reducer asks for (turns, storage, backends, files) and reports the
/// results back as events. The only place the chat screen has side effects besides the terminal.
final class ChatEffectRunner: @unchecked Sendable {
    private let context: AppContext
    private let store: ConversationStore
    private let personas: PersonaLibrary
    private let templates: TemplateLibrary
    /// Where drafts are kept (write mode).
    private let drafts: DraftStore
    private let backendOptions: BackendOptions
    private let sampling: SamplingFlags
    private let deliver: @Sendable (ChatEvent) -> Void
    private let lock = NSLock()
    private var persona: Persona
    private var backend: any ChatBackend
    /// What the conversation remembers of `backend` (recorded with every turn).
    private var backendChoice: BackendChoice
    /// LoRA adapters chosen with /lora (nil: those of the options or the config).
    private var loras: [String]?
    /// The schema chat replies follow (`/schema`), nil when none.
    private var responseFormat: ResponseFormat?
    private var turn: Task<Void, Never>?
    // Decide mode: the decisions directory (opened on first use) and one queue for its writes, so
    // saves land in the order they were asked for.
    private var decisionStore: DocumentStore<DecisionRecord>?
    private let decisionSaves = DispatchQueue(label: "parley.decision-saves")
    /// Changes to replies (the version shown, feedback), saved in the order they were made: a
    /// choice and a page to another version right after it must land in that order.
    private let replySaves = DispatchQueue(label: "parley.reply-saves")
    private var indexRefresh: Task<Void, Never>?
    /// What `/image` draws with, or why nothing can.
    private let imageBackend: Result<any ImageBackend, Error>

    /// How long after the last save the index is refreshed: `newest.json` can only vouch for a
    /// directory that has been still for 2 s (see `ConversationIndex.settleSeconds`).
    static let indexRefreshDelay: Duration = .milliseconds(2_500)

    init(
        context: AppContext, store: ConversationStore, personas: PersonaLibrary, templates: TemplateLibrary, drafts: DraftStore,
        persona: Persona, backend: any ChatBackend, backendChoice: BackendChoice, backendOptions: BackendOptions,
        sampling: SamplingFlags, imageBackend: Result<any ImageBackend, Error>, deliver: @escaping @Sendable (ChatEvent) -> Void
    ) {
        self.backendChoice = backendChoice
        self.imageBackend = imageBackend
        self.context = context
        self.store = store
        self.personas = personas
        self.templates = templates
        self.drafts = drafts
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
        // Saves of decision edits and feedback still queued reach the disk before the program leaves.
        decisionSaves.sync {}
        replySaves.sync {}
        // And the local model's state of this conversation, for the next process that opens it.
        let backend = lock.withLock { self.backend }
        await backend.finishBackgroundWork()
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
        case .retry(let conversationID, let userMessageID, let text, let previousVersions, let previousReply):
            startTurn { [store] in
                try store.update(id: conversationID) { conversation in
                    if let index = conversation.messages.firstIndex(where: { $0.id == userMessageID }) {
                        conversation.messages.removeSubrange(index...)
                    }
                }
                return .existing(id: conversationID)
            } text: { text } after: { [store] outcome in
                guard !previousVersions.isEmpty else { return outcome.conversation }
                return try store.update(id: conversationID) { conversation in
                    if let index = conversation.messages.lastIndex(where: { $0.id == outcome.reply.id }) {
                        conversation.messages[index] = conversation.messages[index].regenerated(
                            from: previousReply, previousVersions: previousVersions)
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
            background(saves: false) { [self] in
                let stored = try store.load(id: id)
                deliver(.conversationLoaded(stored.conversation, readOnly: stored.isReadOnly))
                returnToRememberedBackend(of: stored.conversation)
                return nil
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
        case .setSchema(let path):
            guard let path else {
                lock.withLock { responseFormat = nil }
                deliver(.schemaChanged(nil))
                break
            }
            background(saves: false) { [self] in
                let format = try ResponseFormatSource.schema(path)
                lock.withLock { responseFormat = format }
                guard case .jsonSchema(let name, _) = format else { return nil }
                return .schemaChanged(name)
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
            switchBackend(options, remembered: nil)
        case .listModels:
            let backend = lock.withLock { self.backend }
            guard let server = backend as? OpenAIBackend else {
                // The local backend switches among the models in <storage>/models/.
                let names = ModelRegistry(storage: context.storageDirectory).modelFiles()
                    .map { ModelRegistry.modelName(ofFile: $0.lastPathComponent) }
                if !names.isEmpty { deliver(.modelsListed(names)) }
                break
            }
            let deliver = self.deliver
            Task.detached {
                // Only for completion: a server without a model list still chats, so a failure
                // here says nothing (a chat request reports real trouble). Listing first also opens
                // the connection the first reply then reuses (see StreamingSessions).
                if let names = try? await server.listModels() { deliver(.modelsListed(names)) }
            }
        case .setModel(let model):
            // The backend in use, with this model (on the local backend it replaces a file given
            // with --gguf).
            var options = onCurrentBackend
            options.model = model
            switchBackend(options, remembered: lock.withLock { backendChoice })
        case .setLoRA(let text):
            setLoRA(text)
        case .chooseAlternative(let id, let messageID, let content):
            saveReply(id) { conversation in
                if let index = conversation.messages.firstIndex(where: { $0.id == messageID }) {
                    conversation.messages[index].content = content
                }
            }
        case .export(let conversation, let format, let path):
            background(saves: false) {
                let text: String
                switch format {
                case .md: text = TranscriptFormatter.markdown(conversation)
                case .json: text = try JSONOutput.encode(conversation) + "\n"
                }
                return try ChatEffectRunner.save(
                    text, to: path ?? "parley-\(conversation.id).\(format.rawValue)", overwrite: false, what: .conversation)
            }
        case .exportDecision(let record, let format, let path):
            background {
                let text = format == .md ? DecisionReport.markdown(record) : try JSONOutput.encode(record) + "\n"
                return try ChatEffectRunner.save(
                    text, to: path ?? "parley-decision-\(record.id).\(format.rawValue)", overwrite: false, what: .decision)
            }
        case .search(let text):
            background(saves: false) { [store] in
                .searchResults(query: text, try store.search(text).map {
                    ConversationListEntry(
                        id: $0.conversation.id, title: $0.conversation.title, updatedAt: $0.conversation.updatedAt,
                        messageCount: $0.conversation.messageCount, snippet: $0.snippet)
                })
            }
        case .copyToClipboard, .quit, .editIdeal:
            break  // the terminal and the loop handle these
        case .saveFeedback(let conversationID, let messageID, let change):
            saveReply(conversationID) { try $0.applyFeedback(change, toMessage: messageID, at: Date()) }
        case .runDecision(let record, let conversationID, let create):
            startDecision(record, conversationID: conversationID, create: create)
        case .saveDecision(let record):
            saveDecision(record)
        case .loadDecision(let conversationID):
            background { [self] in
                .decisionLoaded(try decisions().latest(forConversation: conversationID), conversationID: conversationID)
            }
        case .startDraft(let filled, let template, let conversationID):
            startDraftTurn(personaName: template.personaName) { writer, onEvent in
                try await writer.start(filled, template: template, conversationID: conversationID, onEvent: onEvent)
            }
        case .reviseDraft(let draft, let instruction):
            // The template may be gone since; its kind's persona still fits, and the revision is
            // then only checked for having changed.
            let template = try? templates.template(named: draft.template)
            startDraftTurn(personaName: template?.personaName ?? draft.kind.defaultPersona) { writer, onEvent in
                try await writer.revise(draft, template: template, instruction: instruction, onEvent: onEvent)
            }
        case .selectDraftVersion(let draftID, let number):
            background { [drafts] in
                try drafts.select(version: number, of: draftID)
                return nil
            }
        case .saveText(let text, let path, let overwrite, let what):
            background(saves: false) {
                try ChatEffectRunner.save(text, to: path, overwrite: overwrite, what: what)
            }
        case .loadDraft(let conversationID):
            background { [drafts] in
                .draftLoaded(try drafts.draft(forConversation: conversationID))
            }
        case .makePicture(let order, let request, let conversationID, let persona, let mode):
            startPicture(order, request: request, conversationID: conversationID, persona: persona, mode: mode)
        case .openPicture(let name):
            openPicture(name)
        case .listImageNames:
            guard case .success(let backend) = imageBackend else { break }
            let deliver = self.deliver
            Task.detached {
                // Only for completion: a server that cannot list them still draws.
                if let names = try? await backend.modelNames() { deliver(.imageModelsListed(names)) }
                if let server = backend as? SDWebUIBackend, let names = try? await server.loraNames() { deliver(.lorasListed(names)) }
            }
        }
    }

    /// Whether `/image` goes to an SD WebUI server (which lists LoRAs).
    var drawsWithSDWebUI: Bool {
        if case .success(let backend) = imageBackend { return backend is SDWebUIBackend }
        return false
    }

    /// Changes a stored conversation on the queue of reply changes; a failure becomes the error line.
    private func saveReply(_ conversationID: String, _ change: @escaping @Sendable (inout Conversation) throws -> Void) {
        let (store, deliver) = (self.store, self.deliver)
        replySaves.async {
            do {
                try store.update(id: conversationID, change)
            } catch {
                deliver(.error("not saved: " + oneLineDescription(of: error)))
            }
            self.refreshIndexSoon()
        }
    }

    /// Runs a draft turn (first version or revision) like a chat turn: its events stream to the
    /// screen, Ctrl-C cancels it, and the draft as stored comes back at the end.
    private func startDraftTurn(
        personaName: String,
        _ body: @escaping @Sendable (DraftWriter, @escaping @Sendable (TurnEvent) -> Void) async throws -> DraftWriter.Result
    ) {
        let (chatPersona, backend) = lock.withLock { (self.persona, self.backend) }
        let persona = (try? personas.persona(named: personaName)) ?? chatPersona
        let options = sampling.options(for: persona, defaults: context.config.sampling)
        let writer = DraftWriter(
            engine: ConversationEngine(store: store), backend: backend, persona: persona, sampling: options, drafts: drafts)
        let deliver = self.deliver
        lock.withLock { indexRefresh?.cancel() }  // no listing while the draft streams
        let task = Task.detached {
            do {
                let result = try await body(writer) { event in ChatEffectRunner.forward(event, deliver) }
                deliver(.draftTurnFinished(draft: result.draft, conversation: result.outcome.conversation))
            } catch {
                deliver(.turnFailed(oneLineDescription(of: error)))
            }
            self.refreshIndexSoon()
        }
        lock.withLock { turn = task }
    }

    /// A turn event as the screen's event.
    private static func forward(_ event: TurnEvent, _ deliver: @Sendable (ChatEvent) -> Void) {
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
            deliver(.turnNotice("support contacts are shown above the reply"))
        case .contextTrimmed(let dropped, let tokens, let size):
            deliver(.turnNotice("left the \(dropped) oldest messages out so the conversation fits the context (\(tokens) of \(size) tokens)"))
        case .reasoning(let piece):
            deliver(.turnReasoning(piece))
        }
    }

    /// The command line's backend options without the ones that choose a backend, so that the
    /// backend in use (passed as `remembered`) is the one chosen.
    private var onCurrentBackend: BackendOptions {
        var options = backendOptions
        options.backend = nil
        options.baseURL = nil
        options.gguf = nil
        options.model = nil
        return options
    }

    /// A conversation opened from the list goes back to the backend and model it remembers, unless
    /// the command line chose them; one whose backend the config no longer has stays on this one.
    private func returnToRememberedBackend(of conversation: Conversation) {
        guard let remembered = conversation.backend else { return }
        let factory = BackendFactory(context: context)
        let preferred = lock.withLock { persona.backend }
        let chosen: BackendFactory.Chosen
        do {
            chosen = try factory.choose(backendOptions, preferred: preferred, remembered: remembered)
        } catch {
            let current = lock.withLock { backendChoice }
            deliver(.notice("\(oneLineDescription(of: error)); staying on \(current.summary)"))
            return
        }
        guard chosen.choice != lock.withLock({ backendChoice }) else { return }
        switchBackend(backendOptions, remembered: remembered)
    }

    /// Switches to the backend `options` (and `remembered`, as for a conversation being continued)
    /// choose. `lora`: the adapters to switch to (kept only when the backend could be made with
    /// them); nil keeps those chosen before.
    private func switchBackend(
        _ options: BackendOptions, remembered: BackendChoice?, lora newList: [String]? = nil, then notice: String? = nil
    ) {
        background(saves: false) { [self] in
            let (preferred, current) = lock.withLock { (persona.backend, loras) }
            let factory = BackendFactory(context: context)
            let chosen = try factory.choose(options, preferred: preferred, remembered: remembered)
            let made = try factory.make(chosen, options, lora: newList ?? current)
            lock.withLock {
                backend = made
                backendChoice = chosen.choice
                if let newList { loras = newList }
            }
            let changed = ChatEvent.backendChanged(BackendInfo(name: made.descriptor.name, model: made.descriptor.model, contextSize: made.contextSize))
            guard let notice else { return changed }
            // After the change, which says which backend it is, this says what changed about it.
            deliver(changed)
            return .notice(notice)
        }
    }

    /// /lora: the adapters so far plus this one (a file already there takes its new scale), or none.
    private func setLoRA(_ text: String?) {
        var list = lock.withLock { loras } ?? backendOptions.lora
        var notice = "LoRA adapters off"
        if let text {
            guard let spec = try? LoRASpec(parsing: text) else {
                deliver(.notice("\(text): not a LoRA adapter FILE[:SCALE]"))
                return
            }
            list.removeAll { (try? LoRASpec(parsing: $0))?.path == spec.path }
            list.append(text)
            notice = "LoRA adapters: " + list.joined(separator: ", ")
        } else {
            list = []
        }
        switchBackend(onCurrentBackend, remembered: lock.withLock { backendChoice }, lora: list, then: notice)
    }

    /// Runs a storage or file job off the UI loop; errors become the error line. Jobs that may have
    /// saved something refresh the index afterwards.
    /// Writes text the user asked for (`/save`, `/export`) by `OutputFile`'s rules. An existing file
    /// is replaced only after a yes (`overwrite`); without one `saveRefused` comes back and the
    /// screen asks, as `--force` is asked for on the command line.
    static func save(_ text: String, to path: String, overwrite: Bool, what: SavedText) throws -> ChatEvent {
        let target = NSString(string: path).expandingTildeInPath
        do {
            if what == .draft {
                try DraftFile.save(text, to: target, overwrite: overwrite)
            } else {
                try OutputFile.write(Data(text.utf8), to: target, force: overwrite)
            }
        } catch OutputFile.Failure.exists {
            return .saveRefused(path: path, text: text, what: what)
        }
        return .textSaved(path: path, what: what)
    }

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
        let (persona, backend, format, choice) = lock.withLock { (self.persona, self.backend, self.responseFormat, self.backendChoice) }
        var settings = TurnSettings(
            systemPrompt: persona.systemPrompt, examples: persona.examples,
            sampling: sampling.options(for: persona, defaults: context.config.sampling), format: format)
        settings.backendChoice = choice
        let engine = ConversationEngine(store: store)
        let deliver = self.deliver
        // No listing while a reply streams; the turn's end schedules one again.
        lock.withLock { indexRefresh?.cancel() }
        let task = Task.detached {
            do {
                let target = try prepare()
                let outcome = try await engine.send(text(), to: target, using: backend, settings: settings) { event in
                    ChatEffectRunner.forward(event, deliver)
                }
                deliver(.turnFinished(try after(outcome)))
                if case .invalid(let problem)? = outcome.formatCheck { deliver(.error(problem)) }
            } catch {
                deliver(.turnFailed(oneLineDescription(of: error)))
            }
            self.refreshIndexSoon()
        }
        lock.withLock { turn = task }
    }
}

// MARK: - Pictures

extension ChatEffectRunner {
    /// Makes a picture as the current turn (Ctrl-C cancels it, and SD WebUI is told to stop):
    /// progress to the status line; then the picture is saved with its sidecar, and the command
    /// and a reply referring to it are stored in the conversation. Nothing is stored on failure.
    fileprivate func startPicture(_ order: PictureOrder, request text: String, conversationID: String?, persona: String, mode: Mode) {
        let deliver = self.deliver
        let backend: any ImageBackend
        switch imageBackend {
        case .success(let chosen): backend = chosen
        case .failure(let error):
            deliver(.pictureFailed(oneLineDescription(of: error)))
            return
        }
        let store = self.store
        let pictures = PictureStore(root: context.storageDirectory)
        lock.withLock { indexRefresh?.cancel() }
        let task = Task.detached {
            do {
                let request = try ChatPictures.request(for: order)
                let image = try await backend.generate(request) { deliver(.pictureProgress($0.fraction)) }
                try Task.checkCancellation()
                let name = try pictures.save(image)
                let asked = Message(role: .user, content: text)
                var reply = Message(
                    role: .assistant, content: ChatPictures.caption(image.parameters), backend: image.parameters.backend,
                    model: image.parameters.model)
                reply.picture = name
                let conversation: Conversation
                do {
                    if let conversationID {
                        conversation = try store.update(id: conversationID) { $0.messages += [asked, reply] }
                    } else {
                        let new = Conversation(
                            title: Conversation.suggestedTitle(from: "Picture: " + order.prompt), persona: persona, mode: mode,
                            messages: [asked, reply])
                        try store.create(new)
                        conversation = new
                    }
                } catch {
                    // Nothing would refer to the picture: it goes too.
                    pictures.remove(name)
                    throw error
                }
                deliver(.pictureFinished(conversation))
            } catch {
                if error is CancellationError || Task.isCancelled {
                    let stopped = backend is SDWebUIBackend ? "the server was asked to stop; " : ""
                    deliver(.pictureFailed("picture interrupted: \(stopped)nothing was saved"))
                } else {
                    deliver(.pictureFailed(oneLineDescription(of: error)))
                }
            }
            self.refreshIndexSoon()
        }
        lock.withLock { turn = task }
    }

    /// `/open`: the stored picture in the desktop's viewer.
    fileprivate func openPicture(_ name: String) {
        let deliver = self.deliver
        guard let url = PictureStore(root: context.storageDirectory).url(of: name), FileManager.default.fileExists(atPath: url.path) else {
            deliver(.error("the picture \(name) is not in the images folder any more"))
            return
        }
        do {
            try DesktopOpener.open(url, environment: context.environment) { status in
                if status != 0 { deliver(.error("\(DesktopOpener.name) could not open \(name) (exit status \(status))")) }
            }
            deliver(.notice("opened \(name) with \(DesktopOpener.name)"))
        } catch {
            deliver(.error(oneLineDescription(of: error)))
        }
    }
}

// MARK: - Decide mode

extension ChatEffectRunner {
    /// The decisions directory under the storage root, opened once.
    private func decisions() throws -> DocumentStore<DecisionRecord> {
        try lock.withLock {
            if let decisionStore { return decisionStore }
            let deliver = self.deliver
            let opened = try DecisionRecord.store(root: context.storageDirectory, diagnostics: { deliver(.error($0)) })
            decisionStore = opened
            return opened
        }
    }

    /// Queues a save of the record; a failure becomes the error line.
    private func saveDecision(_ record: DecisionRecord) {
        let deliver = self.deliver
        decisionSaves.async { [self] in
            do {
                try decisions().save(record)
            } catch {
                deliver(.error("the decision was not saved: " + oneLineDescription(of: error)))
            }
        }
    }

    /// Runs the decision flow in the conversation as the current turn (Ctrl-C cancels it like a
    /// reply): prompts and reply text go to the transcript, progress and partial records to the
    /// panel, and the record is saved as it fills and, before the screen hears the end, once more.
    private func startDecision(_ start: DecisionRecord, conversationID: String, create: Conversation?) {
        let (current, backend) = lock.withLock { (self.persona, self.backend) }
        // The flow's prompts are written for the decision coach; without it the chat's persona speaks.
        let coach = (try? personas.persona(named: "decision-coach")) ?? current
        let settings = TurnSettings(
            systemPrompt: coach.systemPrompt, examples: coach.examples,
            sampling: sampling.options(for: coach, defaults: context.config.sampling, defaultLength: false))
        let deliver = self.deliver
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
        let store = self.store
        lock.withLock { indexRefresh?.cancel() }  // no listing while the flow streams
        let task = Task.detached { [self] in
            var record = start
            do {
                if let create { try store.create(create) }
                // The notice itself is drawn framed under the prompt that carries the question.
                if CrisisCheck.matches(start.question) { deliver(.turnNotice("support contacts are shown above the reply")) }
                saveDecision(record)
                record = try await session.run(start)
            } catch {
                deliver(.decisionFailed(oneLineDescription(of: error)))
                return
            }
            record.updatedAt = Date()
            let finished = record
            let saved: Error? = decisionSaves.sync {
                do {
                    try decisions().save(finished)
                    return nil
                } catch {
                    return error
                }
            }
            if let saved { deliver(.error("the decision was not saved: " + oneLineDescription(of: saved))) }
            deliver(.decisionFinished(finished, try? store.load(id: conversationID).conversation))
            refreshIndexSoon()
        }
        lock.withLock { turn = task }
    }
}
