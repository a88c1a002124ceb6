import Foundation
import GGUFRuntime
import ParleyConfig
import ParleyCore
import ParleyHTTP
import ParleyLocal
import ParleyModels
import ParleyStore

/// Builds the backend a command asked for, from the config and the command-line overrides.
///
/// The choice, most specific first: `--gguf` (local), `--base-url` (an ad-hoc OpenAI-compatible
/// endpoint), `--backend NAME`, the persona's preferred backend, the config's `default_backend`.
struct BackendFactory: Sendable {
    let context: AppContext

    struct Failure: UserFacingError {
        var description: String
    }

    /// The model to run is a catalog model not in `<storage>/models/` (the default one when
    /// nothing else was asked for): the chat screen offers to pull it; other commands print the
    /// one command that does.
    struct MissingDefaultModel: UserFacingError {
        var description: String
        /// The catalog name to pull.
        var catalogName: String = ModelCatalog.defaultName
    }

    /// The default local model's file name under `<storage>/models/`.
    static let defaultModelFile = ModelCatalog.defaultEntry.fileName

    /// The one command that installs the default model, for every message about its absence.
    static let pullDefaultCommand = "parley models pull \(ModelCatalog.defaultName)"

    /// The backend options chose a backend themselves (`--backend`, `--base-url`, `--gguf`), so a
    /// conversation's remembered backend gives way to them.
    static func choosesBackend(_ options: BackendOptions) -> Bool {
        options.backend != nil || options.baseURL != nil || options.gguf != nil
    }

    /// What the options, a conversation's remembered backend and the persona choose, before
    /// anything is loaded or connected: the config to build, the endpoint's URL when it was given
    /// as one (rather than by a backend's name), and what a conversation will remember of it.
    struct Chosen {
        var config: BackendConfig
        var adHocURL: String?
        var choice: BackendChoice
    }

    /// The choice, most specific first: `--gguf`, `--base-url`, `--backend NAME`, the backend the
    /// conversation being continued remembers, the persona's preferred backend, the config's
    /// `default_backend`. `--model` replaces the model of whichever it is.
    func choose(_ options: BackendOptions, preferred: String? = nil, remembered: BackendChoice? = nil) throws -> Chosen {
        var config: BackendConfig
        var adHocURL: String?
        // A file given by path is remembered as one; a configured backend's file stays the config's.
        var fileGiven = options.gguf != nil
        if options.gguf != nil {
            config = BackendConfig(name: "local", kind: .local)
        } else if let baseURL = options.baseURL {
            config = BackendConfig(name: "openai", kind: .openai)
            adHocURL = baseURL
        } else if let name = options.backend {
            config = try context.config.backend(named: name)
        } else if let remembered {
            config = try rememberedConfig(remembered)
            if remembered.baseUrl != nil { adHocURL = remembered.baseUrl }
            // --model names another local model than the remembered file.
            if remembered.gguf != nil && options.model != nil { config.gguf = nil } else { fileGiven = remembered.gguf != nil }
        } else {
            config = try context.config.backend(named: preferred ?? context.config.defaultBackend)
        }
        if let model = options.model { config.model = model }
        if let gguf = options.gguf { config.gguf = gguf }
        if let threads = options.threads { config.threads = threads }
        if !options.lora.isEmpty { config.lora = options.lora }
        let gguf = fileGiven ? config.gguf.map { URL(fileURLWithPath: expandTilde($0)).standardizedFileURL.path } : nil
        let choice = BackendChoice(
            name: config.name, kind: config.kind.rawValue, model: gguf == nil ? config.model : nil, baseUrl: adHocURL, gguf: gguf)
        return Chosen(config: config, adHocURL: adHocURL, choice: choice)
    }

    /// The config a remembered backend stands for: its endpoint or file again when it was given
    /// as one, else the config's backend of that name with the remembered model.
    private func rememberedConfig(_ remembered: BackendChoice) throws -> BackendConfig {
        if remembered.baseUrl != nil {
            var config = BackendConfig(name: remembered.name, kind: .openai)
            config.model = remembered.model
            return config
        }
        if let gguf = remembered.gguf, remembered.kind == BackendKind.local.rawValue {
            var config = (try? context.config.backend(named: remembered.name)) ?? BackendConfig(name: remembered.name, kind: .local)
            if config.kind != .local { config = BackendConfig(name: remembered.name, kind: .local) }
            config.gguf = gguf
            config.model = nil
            return config
        }
        guard var config = try? context.config.backend(named: remembered.name), config.kind.rawValue == remembered.kind else {
            throw RememberedBackendMissing(choice: remembered)
        }
        if let model = remembered.model { config.model = model }
        return config
    }

    /// The backend a conversation remembers is not in the config any more (or is of another kind).
    struct RememberedBackendMissing: UserFacingError {
        var choice: BackendChoice
        var description: String {
            "the conversation was answered by the \(choice.kind) backend '\(choice.name)', which the config no longer has"
        }
    }

    /// - Parameters:
    ///   - remembered: the backend of the conversation being continued, used unless the options
    ///     choose one.
    ///   - lora: adapters chosen in the chat (/lora), over the options' and the config's; an empty
    ///     list is none.
    func make(_ options: BackendOptions, preferred: String? = nil, remembered: BackendChoice? = nil, lora: [String]? = nil)
        throws -> any ChatBackend
    {
        try make(try choose(options, preferred: preferred, remembered: remembered), options, lora: lora)
    }

    /// Builds the backend of a choice made by `choose`.
    func make(_ chosen: Chosen, _ options: BackendOptions, lora: [String]? = nil) throws -> any ChatBackend {
        var config = chosen.config
        if let lora { config.lora = lora }
        switch config.kind {
        case .openai:
            if !config.lora.isEmpty {
                throw Failure(description: "LoRA adapters apply to the local backend; \(config.name) is an OpenAI-compatible server")
            }
            var environment = context.environment
            if let inline = config.apiKey { environment[BackendFactory.inlineKeyVariable] = inline }
            return OpenAIBackend(
                endpoint: try endpoint(config, options, adHocURL: chosen.adHocURL), keyResolver: APIKeyResolver(environment: environment))
        case .local:
            return try localBackend(config)
        }
    }

    /// The OpenAI-compatible endpoint for a backend config and the ad-hoc flags.
    /// `adHocURL` is an endpoint given as a URL (`--base-url`, or remembered from one); without it,
    /// `--base-url` in the options, then the config's.
    func endpoint(_ config: BackendConfig, _ options: BackendOptions, adHocURL: String? = nil) throws -> OpenAIEndpoint {
        let adHoc = adHocURL ?? options.baseURL
        let baseText = adHoc ?? config.baseURL?.absoluteString ?? context.environment["OPENAI_BASE_URL"]
            ?? "https://api.openai.com/v1"
        let key: APIKeySource
        if let variable = options.apiKeyEnv {
            key = .environment(variable)
        } else if let command = config.apiKeyCommand {
            key = .command(command)
        } else if let variable = config.apiKeyEnv {
            key = .environment(variable)
        } else if config.apiKey != nil {
            key = .environment(BackendFactory.inlineKeyVariable)
        } else {
            key = adHoc != nil ? .environment("OPENAI_API_KEY") : .none
        }
        var endpoint = OpenAIEndpoint(
            name: config.name, baseURL: try OpenAIEndpoint.baseURL(from: baseText), model: config.model, apiKey: key)
        if let size = config.contextSize { endpoint.contextSize = size }
        if let idle = config.idleTimeout { endpoint.idleTimeout = idle }
        if let timeout = config.timeout { endpoint.deadline = timeout }
        if let stream = config.stream { endpoint.streaming = stream }
        if options.noStream { endpoint.streaming = false }
        return endpoint
    }

    /// A key written in the config file is handed to the HTTP client through this process-private
    /// environment variable, so the client's single code path (and its error messages, which name
    /// a variable, never a key) applies to it too.
    static let inlineKeyVariable = "PARLEY_CONFIG_API_KEY"

    /// The GGUF file to run: the file named, else the local model called `model` in
    /// `<storage>/models/`, else the default model there. A missing default model gets the
    /// command that pulls it, and `otherwise` the other ways the command offers.
    func modelPath(_ named: String?, model: String? = nil, otherwise: String = "--gguf FILE or --base-url URL") throws -> String {
        if let named {
            let path = expandTilde(named)
            guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "no GGUF file at \(path)") }
            return path
        }
        if let model {
            let registry = ModelRegistry(storage: context.storageDirectory)
            // A catalog model not pulled yet: the chat offers it, like the default one.
            if let entry = ModelCatalog.entry(named: model), (try? registry.resolve(model)) == nil {
                throw MissingDefaultModel(
                    description: "\(entry.name) is not installed in \(context.storageDirectory.path)/models; pull it with: parley models pull \(entry.name)",
                    catalogName: entry.name)
            }
            return try registry.resolve(model).path
        }
        let path = context.storageDirectory.appendingPathComponent("models/\(BackendFactory.defaultModelFile)").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingDefaultModel(
                description: "the default model is not installed in \(context.storageDirectory.path)/models; pull it with: \(BackendFactory.pullDefaultCommand) (or use \(otherwise))")
        }
        return path
    }

    private func localBackend(_ config: BackendConfig) throws -> any ChatBackend {
        let path = try modelPath(config.gguf, model: config.gguf == nil ? config.model : nil)
        let loras = try config.lora.map { text in
            do {
                return try LoRASpec(parsing: text)
            } catch {
                throw Failure(description: "\(error)")
            }
        }
        let backend = try LocalBackend(
            path: path, name: config.name, modelName: config.gguf == nil ? config.model : nil, contextLength: config.contextSize,
            threads: config.threads, stateCache: SessionCache(storage: context.storageDirectory), loras: loras)
        if let notice = backend.templateNotice { Console.status(notice) }
        return backend
    }

    private func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return (context.environment["HOME"] ?? NSHomeDirectory()) + String(path.dropFirst())
    }
}
