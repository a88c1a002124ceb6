import ParleyCore

/// How the chat screen gets the backend `/backend`, `/model`, `/lora` and a reopened conversation
/// ask for. `BackendFactory` is the real one; tests give one that records what was asked.
protocol ChatBackendMaking: Sendable {
    /// What the options, a conversation's remembered backend and the persona's preference choose,
    /// before anything is loaded or connected (so that choosing the backend in use loads nothing).
    func choice(_ options: BackendOptions, preferred: String?, remembered: BackendChoice?) throws -> BackendChoice

    /// Makes the backend they choose, with `lora` over the options' adapters (nil: the options').
    /// Loading a local model takes a while: never called on the screen's loop.
    func makeBackend(_ options: BackendOptions, preferred: String?, remembered: BackendChoice?, lora: [String]?) throws -> MadeBackend
}

/// A backend and what a conversation will remember of it.
struct MadeBackend: Sendable {
    var backend: any ChatBackend
    var choice: BackendChoice
}

extension BackendFactory: ChatBackendMaking {
    func choice(_ options: BackendOptions, preferred: String?, remembered: BackendChoice?) throws -> BackendChoice {
        try choose(options, preferred: preferred, remembered: remembered).choice
    }

    func makeBackend(_ options: BackendOptions, preferred: String?, remembered: BackendChoice?, lora: [String]?) throws -> MadeBackend {
        let chosen = try choose(options, preferred: preferred, remembered: remembered)
        return MadeBackend(backend: try make(chosen, options, lora: lora), choice: chosen.choice)
    }
}
