import CursesTerminal
import Foundation
import ParleyCore
import ParleyEngine
import ParleyImages
import ParleyPersonas
import ParleyStore
import ParleyTUI
import ParleyWrite

/// The chat screen's loop: terminal input, engine events and effect results all arrive as
/// messages on one stream; each goes through the reducer, effects run, and the screen is redrawn
/// (while a reply streams, at most about 30 times a second). Nothing polls: the loop sleeps until
/// the next message.
final class ChatSession: @unchecked Sendable {
    enum LoopMessage: Sendable {
        case event(ChatEvent)
        case terminalResized
        case redraw
        case inputEnded
    }

    let effects: ChatEffectRunner
    let theme: TerminalTheme
    let mouse: Bool
    var startupNotice: String?
    private var state: ChatState
    private let layout: TranscriptLayout
    private let pictures: StoredPictures
    private let stream: AsyncStream<LoopMessage>
    private let continuation: AsyncStream<LoopMessage>.Continuation

    /// The smallest gap between two frames while text streams in.
    static let frameInterval: Duration = .milliseconds(33)

    /// Frames drawn, for checking the throttle on the real binary: with PARLEY_FRAME_STATS set to a
    /// file name, the counts are written there when the screen closes (the benchmark reads them).
    struct FrameCount {
        var total = 0
        var whileStreaming = 0

        mutating func count(whileStreaming streaming: Bool) {
            total += 1
            if streaming { whileStreaming += 1 }
        }

        func report() {
            guard let path = ProcessInfo.processInfo.environment["PARLEY_FRAME_STATS"], !path.isEmpty else { return }
            try? "frames \(total)\nframes while a reply streamed \(whileStreaming)\n".write(toFile: path, atomically: false, encoding: .utf8)
        }
    }

    init(
        context: AppContext, store: ConversationStore, personas: PersonaLibrary, templates: TemplateLibrary, drafts: DraftStore,
        persona: Persona, backend: any ChatBackend, backendChoice: BackendChoice, backendOptions: BackendOptions, sampling: SamplingFlags,
        opened: StoredConversation?, theme: TerminalTheme, mouse: Bool, imageBackend: Result<any ImageBackend, Error>,
        pictureDisplay: PictureDisplay
    ) {
        (stream, continuation) = AsyncStream.makeStream(of: LoopMessage.self)
        let send = continuation
        effects = ChatEffectRunner(
            services: .live(
                context: context, conversations: store, drafts: drafts, personas: personas, templates: templates,
                imageBackend: imageBackend),
            persona: persona, backend: backend, backendChoice: backendChoice, backendOptions: backendOptions, sampling: sampling,
            deliver: { send.yield(.event($0)) })
        pictures = StoredPictures(store: PictureStore(root: context.storageDirectory), display: pictureDisplay)
        layout = TranscriptLayout(pictures: pictures)
        self.theme = theme
        self.mouse = mouse
        let descriptor = backend.descriptor
        state = ChatState(
            width: 80, height: 24, conversation: opened?.conversation ?? Conversation(persona: persona.name, mode: persona.mode),
            isStored: opened != nil, persona: persona.name,
            backend: BackendInfo(name: descriptor.name, model: descriptor.model, contextSize: backend.contextSize))
        state.isReadOnly = opened?.isReadOnly ?? false
        state.knownPersonas = personas.all.map(\.name)
        state.knownBackends = context.config.backends.keys.sorted()
        state.knownModels = [descriptor.model]
        state.templates = templates.all
    }

    /// Runs the editor on a thread of its own: waiting for it must not hold one of the few
    /// threads Swift's tasks run on.
    static func edit(_ text: String) async -> Result<String, Error> {
        let editor = ExternalEditor(environment: ProcessInfo.processInfo.environment)
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { try editor.edit(text, fileName: "ideal-answer.md") })
            }
            thread.name = "parley.editor"
            thread.start()
        }
    }

    func run() async throws {
        let terminal = try CursesTerminal(theme: theme, environment: ProcessInfo.processInfo.environment, mouse: mouse)
        let send = continuation
        let input = TerminalInputReader { event in
            switch event {
            case .input(let input): send.yield(.event(.input(input)))
            case .resize: send.yield(.terminalResized)
            case .signal(let number):
                // Ctrl-C arrives as a key in raw mode; a SIGINT from elsewhere acts like it.
                send.yield(.event(number == SIGINT ? .input(.key(.ctrl("c"))) : .terminate))
            case .endOfInput: send.yield(.inputEnded)
            }
        }
        input.start()
        defer {
            input.stop()
            terminal.stop()
        }
        let reducer = ChatReducer(layout: layout)
        let view = ChatView(layout: layout)
        state.width = terminal.width
        state.height = terminal.height
        // A conversation reopened in decide or write mode brings its panel back (decision, draft).
        for effect in reducer.reopenPanel(&state, now: Date()) { await effects.run(effect) }
        if let startupNotice { state.notice = ChatNotice(startupNotice, isError: true) }
        var throttle = FrameThrottle(interval: ChatSession.frameInterval)
        var frames = FrameCount()
        let pictures = self.pictures
        func draw() {
            let frame = view.render(state)
            terminal.draw(frame)
            if pictures.usesGraphics {
                // Graphics over the pictures' cells, written again only when they moved; not while
                // a turn runs, when streaming text would move them frame after frame (the cells
                // show meanwhile).
                let placements = state.isBusy ? [] : frame.pictures
                terminal.drawGraphics(placements, kitty: pictures.display == .kitty) {
                    let cell = Console.cellPixels()
                    return PicturePlacement.escapes(placements) { pictures.graphics(for: $0, cellPixels: cell) }
                }
            }
            throttle.drew(at: .now)
            frames.count(whileStreaming: state.isBusy)
        }
        draw()
        // After the first frame, so that opening a URLSession never delays it.
        await effects.run(.listModels)
        if effects.drawsWithSDWebUI { await effects.run(.listImageNames) }

        var dirty = false
        loop: for await message in stream {
            var streamed = false
            switch message {
            case .event(let event):
                let requested = reducer.reduce(&state, event, now: Date())
                switch event {
                case .turnText, .turnReasoning: streamed = true
                default: break
                }
                dirty = true
                for effect in requested {
                    if effect == .quit { break loop }
                    if case .copyToClipboard(let text) = effect {
                        terminal.copyToClipboard(text)
                        continue
                    }
                    if case .editIdeal(let conversationID, let messageID, let version, let text) = effect {
                        // The editor gets the terminal: no key is read and nothing drawn until it exits.
                        input.pause()
                        terminal.suspend()
                        let edited = await ChatSession.edit(text)
                        terminal.resume()
                        input.resume()
                        _ = reducer.reduce(&state, .resize(width: terminal.width, height: terminal.height))
                        switch edited {
                        case .success(let edited):
                            send.yield(.event(.idealEdited(
                                conversationID: conversationID, messageID: messageID, version: version, original: text, edited: edited)))
                        case .failure(let error):
                            send.yield(.event(.error(oneLineDescription(of: error))))
                        }
                        continue
                    }
                    // Only starts it: the runner's work happens off this loop.
                    await effects.run(effect)
                }
                if state.shouldQuit { break loop }
            case .terminalResized:
                let size = terminal.refreshSize()
                _ = reducer.reduce(&state, .resize(width: size.width, height: size.height))
                dirty = true
            case .redraw:
                throttle.timerFired()
                streamed = true
            case .inputEnded:
                // The terminal is gone (hangup): keep what streamed, then leave.
                _ = reducer.reduce(&state, .terminate)
                break loop
            }
            guard dirty else { continue }
            switch throttle.changed(at: .now, streamed: streamed) {
            case .draw:
                draw()
                dirty = false
            case .startTimer(let wait):
                Task {
                    try? await Task.sleep(for: wait)
                    send.yield(.redraw)
                }
            case .wait:
                break
            }
        }
        frames.report()
        // Leaving: a reply still streaming is cancelled and its partial text saved before exit.
        await effects.finishTurn(cancel: true)
    }
}
