import ArgumentParser
import Foundation
import ParleyConfig
import ParleyCore

/// The options that choose and tune a backend, shared by every command that talks to a model.
struct BackendOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A backend named in the config file (default: the config's default_backend, else local).", valueName: "name"))
    var backend: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp(
        "Talk to this OpenAI-compatible endpoint without a config entry ($OPENAI_BASE_URL is the default for openai).",
        valueName: "url"))
    var baseURL: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The model to ask for (a local model's name, or the server's).", valueName: "name"))
    var model: String?

    @Option(name: .customLong("api-key-env"), help: ArgumentHelp(
        "The environment variable that holds the API key (default OPENAI_API_KEY).", valueName: "var"))
    var apiKeyEnv: String?

    @Flag(name: .customLong("no-stream"), help: "Ask an OpenAI-compatible server for the whole reply at once instead of a stream.")
    var noStream = false

    @Option(help: ArgumentHelp("Run this GGUF file with the local backend.", valueName: "path"))
    var gguf: String?

    @Option(help: ArgumentHelp("Threads for the local backend (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("lora"), help: ArgumentHelp(
        "A LoRA adapter (GGUF) the local model runs with, at SCALE (default 1; 0 = off); repeatable; replaces the config's.",
        valueName: "file[:scale]"))
    var lora: [String] = []

    func validate() throws {
        if baseURL != nil && gguf != nil {
            throw ValidationError("--base-url and --gguf choose different backends; give one of them")
        }
        if let baseURL {
            guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil
            else { throw ValidationError("--base-url '\(baseURL)' is not an http:// or https:// URL") }
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if baseURL != nil && !lora.isEmpty {
            throw ValidationError("--lora applies to the local backend, not to --base-url")
        }
        if let apiKeyEnv, apiKeyEnv.isEmpty || apiKeyEnv.contains("=") {
            throw ValidationError("--api-key-env '\(apiKeyEnv)' is not an environment variable name")
        }
    }
}

/// Sampling options shared by the commands that generate text.
struct SamplingFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Sampling temperature, 0 to 2 (0 = greedy).", valueName: "t"))
    var temperature: Double?

    @Option(name: .customLong("max-tokens"), help: ArgumentHelp("The longest reply, in tokens.", valueName: "n"))
    var maxTokens: Int?

    @Option(help: ArgumentHelp("Random seed: the same seed and settings give the same reply where the backend supports it.", valueName: "n"))
    var seed: UInt64?

    @Option(name: .customLong("max-input-bytes"), help: ArgumentHelp(
        "Refuse a message (prompt and standard input) longer than this many bytes (default 1 MiB; config max_input_bytes).",
        valueName: "n"))
    var maxInputBytes: Int?

    @Option(name: .customLong("max-reply-bytes"), help: ArgumentHelp(
        "Cut a reply off after this many bytes of text, marked truncated (default 4 MiB; config max_reply_bytes).",
        valueName: "n"))
    var maxReplyBytes: Int?

    /// A turn's sampling: these flags first, then the persona's settings, then the config's defaults.
    /// - Parameter defaultLength: use the config's `max_tokens` when no flag gives one; the decision
    ///   flow passes false so that its own per-stage caps apply.
    func options(for persona: Persona, defaults: SamplingDefaults, defaultLength: Bool = true) -> SamplingOptions {
        SamplingOptions(
            temperature: temperature ?? persona.temperature ?? defaults.temperature,
            topP: persona.topP ?? defaults.topP,
            maxTokens: maxTokens ?? (defaultLength ? defaults.maxTokens : nil),
            seed: seed ?? defaults.seed,
            maxInputBytes: inputLimit(defaults: defaults),
            maxReplyBytes: maxReplyBytes ?? defaults.maxReplyBytes ?? SizeLimits.defaultMaxReplyBytes)
    }

    /// The longest message: the flag, then the config, then the default.
    func inputLimit(defaults: SamplingDefaults) -> Int {
        maxInputBytes ?? defaults.maxInputBytes ?? SizeLimits.defaultMaxInputBytes
    }

    func validate() throws {
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2") }
        // The config's max_tokens has the same range.
        if let maxTokens, !(1...1_000_000).contains(maxTokens) {
            throw ValidationError("--max-tokens \(maxTokens) is out of range: give 1 to 1000000 tokens")
        }
        for (name, value) in [("--max-input-bytes", maxInputBytes), ("--max-reply-bytes", maxReplyBytes)] {
            if let value, !SizeLimits.allowedRange.contains(value) {
                throw ValidationError("\(name) \(value) is out of range: give \(SizeLimits.allowedRange.lowerBound) to \(SizeLimits.allowedRange.upperBound) bytes")
            }
        }
    }
}
