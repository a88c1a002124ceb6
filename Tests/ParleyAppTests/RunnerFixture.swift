import Foundation
import ParleyCore
import ParleyImages
import ParleyPersonas
import ParleyStore
import ParleyTUI
import ParleyTestSupport
import ParleyWrite

@testable import ParleyApp

/// A runner over real stores in a temporary directory, with the bundled personas, a scripted
/// backend, a recording backend maker and viewer, a fixed clock and sequential ids; and the
/// events it delivers.
struct RunnerFixture {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let bundledPersonas = PackageFiles.root.appendingPathComponent("Personas")

    let directory: StoreTemporaryDirectory
    let conversations: ConversationStore
    let drafts: DraftStore
    let personas: PersonaLibrary
    let backends: RecordingBackendMaker
    let viewer: RecordingViewer
    let runner: ChatEffectRunner
    var events: EventRecorder

    /// - Parameters:
    ///   - personaDirectories: where personas are read (the bundled ones by default; an empty list
    ///     leaves only the built-in assistant).
    ///   - backendArguments: the chat's command line backend options.
    init(
        backend: any ChatBackend = ScriptedBackend.replying(["Hello", " there"]), personaDirectories: [URL] = [bundledPersonas],
        templates: [WritingTemplate] = [], imageBackend: Result<any ImageBackend, Error> = .success(StubImageBackend()),
        backends: RecordingBackendMaker = RecordingBackendMaker(), viewer: RecordingViewer = RecordingViewer(),
        backendArguments: [String] = []
    ) throws {
        directory = try StoreTemporaryDirectory("runner")
        conversations = try ConversationStore(root: directory.url, diagnostics: { _ in })
        drafts = try DraftStore(storage: directory.url, diagnostics: { _ in })
        personas = PersonaLibrary(directories: personaDirectories)
        self.backends = backends
        self.viewer = viewer
        events = EventRecorder()
        let ids = SequentialIDs()
        let services = ChatServices(
            conversations: conversations, drafts: drafts, storageDirectory: directory.url, personas: personas,
            templates: TemplateLibrary(templates: templates), backends: backends, imageBackend: imageBackend,
            samplingDefaults: .init(), viewerName: "test-viewer", openInViewer: { viewer.open($0, finished: $1) },
            now: { RunnerFixture.now }, newID: { ids.next() })
        let descriptor = backend.descriptor
        runner = ChatEffectRunner(
            services: services, persona: try personas.persona(named: "assistant"), backend: backend,
            backendChoice: BackendChoice(name: descriptor.name, kind: descriptor.kind, model: descriptor.model),
            backendOptions: try BackendOptions.parse(backendArguments), sampling: try SamplingFlags.parse([]), deliver: events.deliver)
    }

    /// Runs the effect and returns the events it delivered, through the first one `last` matches.
    mutating func run(_ effect: ChatEffect, through last: (ChatEvent) -> Bool) async -> [ChatEvent] {
        await runner.run(effect)
        return await events.events(through: last)
    }

    /// Runs the effect and returns the one event it delivers.
    mutating func run(_ effect: ChatEffect) async -> ChatEvent {
        await runner.run(effect)
        return await events.next()
    }

    /// Runs the effect, which delivers nothing, and waits until it has landed on disk.
    func runQuietly(_ effect: ChatEffect) async {
        await runner.run(effect)
        await runner.finishTurn(cancel: false)
    }

    /// A conversation stored as the screen would have it: a question and a reply.
    @discardableResult
    func storedConversation(
        id: String = "conv-1", title: String = "Travel plans", reply: String = "Take the train.", alternatives: [String]? = nil,
        backend: BackendChoice? = nil
    ) throws -> Conversation {
        var conversation = Conversation(id: id, title: title, createdAt: RunnerFixture.now, persona: "assistant")
        conversation.messages = [
            Message(id: "\(id)-question", role: .user, content: "How do I get to Lyon?"),
            Message(id: "\(id)-reply", role: .assistant, content: reply, alternatives: alternatives),
        ]
        conversation.backend = backend
        try conversations.create(conversation)
        return conversation
    }

    func stored(_ id: String) throws -> Conversation {
        try conversations.load(id: id).conversation
    }

    /// A path under the temporary directory.
    func path(_ name: String) -> String {
        directory.url.appendingPathComponent(name).path
    }

    func remove() {
        directory.remove()
    }
}

extension ChatEvent {
    var isTurnEnd: Bool {
        switch self {
        case .turnFinished, .turnFailed, .draftTurnFinished, .decisionFinished, .decisionFailed, .pictureFinished, .pictureFailed: true
        default: false
        }
    }

    var isBackendChanged: Bool {
        if case .backendChanged = self { return true }
        return false
    }
}
