import Foundation
import ParleyCore
import ParleyTestSupport

@testable import ParleyApp

/// Makes scripted backends instead of real ones and records every request, so tests see what
/// `/backend`, `/model`, `/lora` and a reopened conversation asked for. The backend made is named
/// after the backend asked for and answers with its own name and model ("lan/big").
final class RecordingBackendMaker: ChatBackendMaking, @unchecked Sendable {
    struct Request: Equatable {
        var backend: String?
        var model: String?
        var preferred: String?
        var remembered: BackendChoice?
        var lora: [String]?
    }

    struct Refused: Error, CustomStringConvertible {
        var name: String
        var description: String { "no backend named '\(name)' in the config" }
    }

    /// Backends that cannot be made: asking for one throws `Refused`.
    let refused: Set<String>
    private let lock = NSLock()
    private var made: [Request] = []

    init(refusing refused: Set<String> = []) {
        self.refused = refused
    }

    /// Every `makeBackend` call so far, in order.
    var requests: [Request] { lock.withLock { made } }

    func choice(_ options: BackendOptions, preferred: String?, remembered: BackendChoice?) throws -> BackendChoice {
        let name = options.backend ?? remembered?.name ?? preferred ?? "scripted"
        if refused.contains(name) { throw Refused(name: name) }
        return BackendChoice(name: name, kind: "scripted", model: options.model ?? remembered?.model)
    }

    func makeBackend(_ options: BackendOptions, preferred: String?, remembered: BackendChoice?, lora: [String]?) throws -> MadeBackend {
        lock.withLock {
            made.append(Request(backend: options.backend, model: options.model, preferred: preferred, remembered: remembered, lora: lora))
        }
        let choice = try self.choice(options, preferred: preferred, remembered: remembered)
        let model = choice.model ?? "script-1"
        let backend = ScriptedBackend(
            steps: [.event(.text("\(choice.name)/\(model)")), .event(.finish(.stop))], contextSize: 8192, name: choice.name, model: model)
        return MadeBackend(backend: backend, choice: choice)
    }
}
