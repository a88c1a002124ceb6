import Foundation
import GGUFRuntime
import ParleyConfig
import ParleyCore
import ParleyHTTP
import ParleyLocal

/// Builds the backend a command asked for, from the config and the command-line overrides.
///
/// The choice, most specific first: `--gguf` (local), `--base-url` (an ad-hoc OpenAI-compatible
/// endpoint), `--backend NAME`, the persona's preferred backend, the config's `default_backend`.
struct BackendFactory {
    let context: AppContext

    struct Failure: UserFacingError {
        var description: String
    }

    /// The default local model's file name under `<storage>/models/`.
    static let defaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"

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

    /// The GGUF file to run: the one named, else the default model in the storage directory. A
    /// missing default model gets the command that fetches it.
    func modelPath(_ named: String?) throws -> String {
        let path = named.map(expandTilde)
            ?? context.storageDirectory.appendingPathComponent("models/\(BackendFactory.defaultModelFile)").path
        guard FileManager.default.fileExists(atPath: path) else {
            if named == nil {
                throw Failure(description: "the default model is not installed at \(path); fetch it with: scripts/fetch-model.sh \(context.storageDirectory.path) (from the Parley source tree), or use --gguf FILE or --base-url URL")
            }
            throw Failure(description: "no GGUF file at \(path)")
        }
        return path
    }

    private func localBackend(_ config: BackendConfig) throws -> any ChatBackend {
        let path = try modelPath(config.gguf)
        let loras = try config.lora.map { text in
            do {
                return try LoRASpec(parsing: text)
            } catch {
                throw Failure(description: "\(error)")
            }
        }
        let backend = try LocalBackend(path: path, name: config.name, contextLength: config.contextSize, threads: config.threads, loras: loras)
        if let notice = backend.templateNotice { Console.status(notice) }
        return backend
    }

    private func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return (context.environment["HOME"] ?? NSHomeDirectory()) + String(path.dropFirst())
    }
}
