import Foundation
import ParleyCore

/// What kind of backend a configured name stands for.
public enum BackendKind: String, Sendable, Equatable, CaseIterable {
    /// The in-process GGUF runtime.
    case local
    /// Any OpenAI-compatible HTTP endpoint.
    case openai
}

/// One `[backends.NAME]` table.
public struct BackendConfig: Sendable, Equatable {
    public var name: String
    public var kind: BackendKind
    /// OpenAI-compatible endpoints: the base URL up to and including `/v1`.
    public var baseURL: URL?
    public var model: String?
    /// The environment variable that holds the API key.
    public var apiKeyEnv: String?
    /// A shell command that prints the API key (for password managers).
    public var apiKeyCommand: String?
    /// A key written in the file itself. Discouraged; a readable file gets a warning.
    public var apiKey: String?
    public var contextSize: Int?
    /// Local backends: the GGUF file to run instead of the default model.
    public var gguf: String?
    public var threads: Int?
    /// Local backends: LoRA adapters applied to the model, each `FILE` or `FILE:SCALE`.
    public var lora: [String] = []
    /// Seconds without a byte before a request is abandoned.
    public var idleTimeout: Double?
    /// Seconds a whole request may take.
    public var timeout: Double?
    /// OpenAI-compatible backends: false asks for whole replies instead of streams.
    public var stream: Bool?

    public init(name: String, kind: BackendKind) {
        self.name = name
        self.kind = kind
    }
}

/// Sampling defaults that apply unless a command-line option says otherwise.
public struct SamplingDefaults: Sendable, Equatable {
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var seed: UInt64?
    /// `max_input_bytes`: the longest message, in bytes (see `SizeLimits`).
    public var maxInputBytes: Int?
    /// `max_reply_bytes`: where a reply is cut off, in bytes (see `SizeLimits`).
    public var maxReplyBytes: Int?

    public init() {}
}

/// The whole config file, validated.
public struct ParleyConfig: Sendable, Equatable {
    /// The backend used when none is named on the command line.
    public var defaultBackend: String
    public var persona: String?
    public var sampling: SamplingDefaults
    /// Configured backends, by name, plus the built-in `local` and `openai` when not overridden.
    public var backends: [String: BackendConfig]
    /// `[images.NAME]` tables, by name.
    public var imageBackends: [String: ImageBackendConfig] = [:]
    /// `image_display`: how pictures are shown; nil leaves it to the terminal's detection. Checked
    /// where it is used (ParleyImages' `PictureDisplay` knows the modes; this target cannot see it).
    public var imageDisplay: String?

    public init(
        defaultBackend: String = "local", persona: String? = nil,
        sampling: SamplingDefaults = SamplingDefaults(), backends: [String: BackendConfig] = [:]
    ) {
        self.defaultBackend = defaultBackend
        self.persona = persona
        self.sampling = sampling
        self.backends = ParleyConfig.builtInBackends.merging(backends) { _, configured in configured }
    }

    /// Backends that exist without any configuration.
    public static let builtInBackends: [String: BackendConfig] = {
        var openai = BackendConfig(name: "openai", kind: .openai)
        openai.apiKeyEnv = "OPENAI_API_KEY"
        return ["local": BackendConfig(name: "local", kind: .local), "openai": openai]
    }()

    /// The backend called `name`, or a clear error listing the known ones.
    public func backend(named name: String) throws -> BackendConfig {
        if let backend = backends[name] { return backend }
        throw ConfigError.unknownBackend(name: name, known: backends.keys.sorted())
    }
}
