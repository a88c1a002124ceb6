import Foundation
import ParleyCore

/// Validates a config document: every key known, every value of the right type and range.
///
/// The document's shape:
/// ```toml
/// default_backend = "local"
/// persona = "assistant"
/// image_display = "halfblock"  # or kitty, iterm, sixel, off; unset: detected from the terminal
/// [defaults]            # temperature, top_p, max_tokens, seed, max_input_bytes, max_reply_bytes
/// [backends.NAME]       # kind, base_url, model, api_key_env, api_key_cmd, api_key,
///                       # context_size, gguf, threads, idle_timeout, timeout, stream, lora
/// [images.NAME]         # kind (sdwebui, openai), base_url, model, api_key_env, api_key_cmd,
///                       # idle_timeout, timeout
/// ```
public struct ConfigParser {
    /// The file name used in error messages.
    public var file: String

    public init(file: String) {
        self.file = file
    }

    /// Parses TOML text into a validated config.
    public func parse(_ text: String) throws -> ParleyConfig {
        let document: [String: ConfigValue]
        do {
            document = try TOMLReader.read(text)
        } catch let error as TOMLReader.SyntaxError {
            throw ConfigError.syntax(file: file, line: error.line, column: error.column, message: error.message)
        }
        return try validate(document)
    }

    public func validate(_ document: [String: ConfigValue]) throws -> ParleyConfig {
        try checkKeys(document, allowed: ["default_backend", "persona", "image_display", "defaults", "backends", "images"], prefix: "")
        var backends: [String: BackendConfig] = [:]
        if let value = document["backends"] {
            for (name, table) in try self.table(value, key: "backends") {
                backends[name] = try backend(name: name, table: try self.table(table, key: "backends.\(name)"))
            }
        }
        var sampling = SamplingDefaults()
        if let value = document["defaults"] {
            let table = try self.table(value, key: "defaults")
            try checkKeys(
                table, allowed: ["temperature", "top_p", "max_tokens", "seed", "max_input_bytes", "max_reply_bytes"],
                prefix: "defaults.")
            sampling.temperature = try number(table, "temperature", prefix: "defaults.", range: 0...2)
            sampling.topP = try number(table, "top_p", prefix: "defaults.", range: 0...1)
            sampling.maxTokens = try integer(table, "max_tokens", prefix: "defaults.", range: 1...1_000_000)
            sampling.seed = try integer(table, "seed", prefix: "defaults.", range: 0...Int.max).map(UInt64.init)
            sampling.maxInputBytes = try integer(table, "max_input_bytes", prefix: "defaults.", range: SizeLimits.allowedRange)
            sampling.maxReplyBytes = try integer(table, "max_reply_bytes", prefix: "defaults.", range: SizeLimits.allowedRange)
        }
        var imageBackends: [String: ImageBackendConfig] = [:]
        if let value = document["images"] {
            for (name, table) in try self.table(value, key: "images") {
                imageBackends[name] = try imageBackend(name: name, table: try self.table(table, key: "images.\(name)"))
            }
        }
        var config = ParleyConfig(
            defaultBackend: try string(document, "default_backend", prefix: "") ?? "local",
            persona: try string(document, "persona", prefix: ""),
            sampling: sampling,
            backends: backends)
        config.imageBackends = imageBackends
        config.imageDisplay = try string(document, "image_display", prefix: "")
        if config.backends[config.defaultBackend] == nil {
            throw ConfigError.invalid(
                file: file, key: "default_backend",
                problem: "no backend named '\(config.defaultBackend)' (known: \(config.backends.keys.sorted().joined(separator: ", ")))")
        }
        return config
    }

    private func backend(name: String, table: [String: ConfigValue]) throws -> BackendConfig {
        let prefix = "backends.\(name)."
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConfigError.invalid(file: file, key: "backends.\(name)", problem: "a backend name may use only letters, digits, '-' and '_'")
        }
        try checkKeys(
            table,
            allowed: [
                "kind", "base_url", "model", "api_key_env", "api_key_cmd", "api_key", "context_size", "gguf",
                "threads", "idle_timeout", "timeout", "stream", "lora",
            ], prefix: prefix)
        let kindName = try string(table, "kind", prefix: prefix) ?? ParleyConfig.builtInBackends[name]?.kind.rawValue
        guard let kindName else {
            throw ConfigError.invalid(file: file, key: prefix + "kind", problem: "missing; use \"local\" or \"openai\"")
        }
        guard let kind = BackendKind(rawValue: kindName) else {
            throw ConfigError.invalid(file: file, key: prefix + "kind", problem: "'\(kindName)' is not a backend kind; use \"local\" or \"openai\"")
        }
        var backend = BackendConfig(name: name, kind: kind)
        if let text = try string(table, "base_url", prefix: prefix) {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil
            else {
                throw ConfigError.invalid(file: file, key: prefix + "base_url", problem: "'\(text)' is not an http:// or https:// URL")
            }
            backend.baseURL = url
        }
        backend.model = try string(table, "model", prefix: prefix)
        backend.apiKeyEnv = try string(table, "api_key_env", prefix: prefix)
        if let variable = backend.apiKeyEnv, variable.isEmpty || variable.contains("=") {
            throw ConfigError.invalid(file: file, key: prefix + "api_key_env", problem: "'\(variable)' is not an environment variable name")
        }
        backend.apiKeyCommand = try string(table, "api_key_cmd", prefix: prefix)
        backend.apiKey = try string(table, "api_key", prefix: prefix)
        backend.contextSize = try integer(table, "context_size", prefix: prefix, range: 16...10_000_000)
        backend.gguf = try string(table, "gguf", prefix: prefix)
        backend.threads = try integer(table, "threads", prefix: prefix, range: 1...1024)
        backend.idleTimeout = try number(table, "idle_timeout", prefix: prefix, range: 0.1...86_400)
        backend.timeout = try number(table, "timeout", prefix: prefix, range: 0.1...86_400)
        backend.stream = try boolean(table, "stream", prefix: prefix)
        backend.lora = try strings(table, "lora", prefix: prefix, most: 16)
        if kind == .openai, backend.apiKeyEnv == nil, backend.apiKeyCommand == nil, backend.apiKey == nil,
            ParleyConfig.builtInBackends[name] != nil
        {
            backend.apiKeyEnv = ParleyConfig.builtInBackends[name]?.apiKeyEnv
        }
        if kind == .local, backend.baseURL != nil {
            throw ConfigError.invalid(file: file, key: prefix + "base_url", problem: "a local backend has no base URL; did you mean kind = \"openai\"?")
        }
        if kind == .openai, !backend.lora.isEmpty {
            throw ConfigError.invalid(file: file, key: prefix + "lora", problem: "LoRA adapters apply to local backends; did you mean kind = \"local\"?")
        }
        if kind == .openai, backend.gguf != nil {
            throw ConfigError.invalid(file: file, key: prefix + "gguf", problem: "an openai backend runs no GGUF file; did you mean kind = \"local\"?")
        }
        return backend
    }

    private func imageBackend(name: String, table: [String: ConfigValue]) throws -> ImageBackendConfig {
        let prefix = "images.\(name)."
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConfigError.invalid(file: file, key: "images.\(name)", problem: "a name may use only letters, digits, '-' and '_'")
        }
        try checkKeys(
            table, allowed: ["kind", "base_url", "model", "api_key_env", "api_key_cmd", "idle_timeout", "timeout"], prefix: prefix)
        let kinds = ImageBackendConfig.kinds.map { "\"\($0)\"" }.joined(separator: " or ")
        guard let kind = try string(table, "kind", prefix: prefix) else {
            throw ConfigError.invalid(file: file, key: prefix + "kind", problem: "missing; use \(kinds)")
        }
        guard ImageBackendConfig.kinds.contains(kind) else {
            throw ConfigError.invalid(file: file, key: prefix + "kind", problem: "'\(kind)' is not an image backend kind; use \(kinds)")
        }
        guard let text = try string(table, "base_url", prefix: prefix) else {
            throw ConfigError.invalid(file: file, key: prefix + "base_url", problem: "missing; e.g. http://127.0.0.1:7860")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
        else {
            throw ConfigError.invalid(file: file, key: prefix + "base_url", problem: "'\(text)' is not an http:// or https:// URL")
        }
        var backend = ImageBackendConfig(name: name, kind: kind, baseURL: url)
        backend.model = try string(table, "model", prefix: prefix)
        backend.apiKeyEnv = try string(table, "api_key_env", prefix: prefix)
        if let variable = backend.apiKeyEnv, variable.isEmpty || variable.contains("=") {
            throw ConfigError.invalid(file: file, key: prefix + "api_key_env", problem: "'\(variable)' is not an environment variable name")
        }
        backend.apiKeyCommand = try string(table, "api_key_cmd", prefix: prefix)
        backend.idleTimeout = try number(table, "idle_timeout", prefix: prefix, range: 0.1...86_400)
        backend.timeout = try number(table, "timeout", prefix: prefix, range: 0.1...86_400)
        return backend
    }

    // MARK: - Typed lookups with errors that name the key

    private func checkKeys(_ table: [String: ConfigValue], allowed: Set<String>, prefix: String) throws {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw ConfigError.invalid(file: file, key: prefix + key, problem: "unknown key (known here: \(known))")
        }
    }

    private func table(_ value: ConfigValue, key: String) throws -> [String: ConfigValue] {
        guard case .table(let table) = value else { throw mismatch(key, "a table", value) }
        return table
    }

    private func string(_ table: [String: ConfigValue], _ key: String, prefix: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard case .string(let text) = value else { throw mismatch(prefix + key, "a string", value) }
        return text
    }

    /// An array of non-empty strings, at most `most` of them (absent: none).
    private func strings(_ table: [String: ConfigValue], _ key: String, prefix: String, most: Int) throws -> [String] {
        guard let value = table[key] else { return [] }
        guard case .array(let items) = value else { throw mismatch(prefix + key, "an array of strings", value) }
        guard items.count <= most else {
            throw ConfigError.invalid(file: file, key: prefix + key, problem: "\(items.count) entries; at most \(most)")
        }
        return try items.map { item in
            guard case .string(let text) = item, !text.isEmpty else { throw mismatch(prefix + key, "an array of non-empty strings", item) }
            return text
        }
    }

    private func boolean(_ table: [String: ConfigValue], _ key: String, prefix: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(prefix + key, "true or false", value) }
        return flag
    }

    private func integer(_ table: [String: ConfigValue], _ key: String, prefix: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard case .integer(let number) = value else { throw mismatch(prefix + key, "an integer", value) }
        guard range.contains(number) else {
            throw ConfigError.invalid(file: file, key: prefix + key, problem: "\(number) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private func number(_ table: [String: ConfigValue], _ key: String, prefix: String, range: ClosedRange<Double>) throws -> Double? {
        guard let value = table[key] else { return nil }
        let number: Double
        switch value {
        case .double(let d): number = d
        case .integer(let i): number = Double(i)
        default: throw mismatch(prefix + key, "a number", value)
        }
        guard range.contains(number) else {
            throw ConfigError.invalid(file: file, key: prefix + key, problem: "\(number) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private func mismatch(_ key: String, _ expected: String, _ value: ConfigValue) -> ConfigError {
        .invalid(file: file, key: key, problem: "expected \(expected), found \(value.typeName)")
    }
}
