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
struct BackendFactory {
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

    /// - Parameter lora: adapters chosen in the chat (/lora), over the options' and the config's;
    ///   an empty list is none.
    func make(_ options: BackendOptions, preferred: String? = nil, lora: [String]? = nil) throws -> any ChatBackend {
        var config: BackendConfig
        if options.gguf != nil {
            config = BackendConfig(name: "local", kind: .local)
        } else if options.baseURL != nil {
            config = BackendConfig(name: "openai", kind: .openai)
        } else {
            let name = options.backend ?? preferred ?? context.config.defaultBackend
            config = try context.config.backend(named: name)
        }
        if let model = options.model { config.model = model }
        if let gguf = options.gguf { config.gguf = gguf }
        if let threads = options.threads { config.threads = threads }
        if !options.lora.isEmpty { config.lora = options.lora }
        if let lora { config.lora = lora }
        switch config.kind {
        case .openai:
            if !config.lora.isEmpty {
                throw Failure(description: "LoRA adapters apply to the local backend; \(config.name) is an OpenAI-compatible server")
            }
            var environment = context.environment
            if let inline = config.apiKey { environment[BackendFactory.inlineKeyVariable] = inline }
            return OpenAIBackend(endpoint: try endpoint(config, options), keyResolver: APIKeyResolver(environment: environment))
        case .local:
            return try localBackend(config)
        }
    }

    /// The OpenAI-compatible endpoint for a backend config and the ad-hoc flags.
    func endpoint(_ config: BackendConfig, _ options: BackendOptions) throws -> OpenAIEndpoint {
        let baseText = options.baseURL ?? config.baseURL?.absoluteString ?? context.environment["OPENAI_BASE_URL"]
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
            key = options.baseURL != nil ? .environment("OPENAI_API_KEY") : .none
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
