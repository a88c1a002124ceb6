import Foundation

/// The backend a conversation was last answered with, kept in its file so that continuing or
/// reopening it talks to the same one. Only what names the backend and model is kept: a backend's
/// name (a config section, or the built-in `local` and `openai`), its kind, the model asked for,
/// and for a backend given on the command line rather than by name, its base URL (without any
/// user name, password, query or fragment) or its GGUF file. Never a key.
public struct BackendChoice: Codable, Sendable, Equatable {
    /// The backend's name as the config knows it (`local`, `openai`, a `[backends.NAME]` section).
    public var name: String
    /// `local` or `openai`.
    public var kind: String
    /// The model asked for; nil when none was (the backend's default, or the server's first).
    public var model: String?
    /// The endpoint, when it was given as a URL (`--base-url`) rather than by a backend's name.
    public var baseUrl: String?
    /// The model file, when it was given as a path (`--gguf`); absolute.
    public var gguf: String?

    public init(name: String, kind: String, model: String? = nil, baseUrl: String? = nil, gguf: String? = nil) {
        self.name = name
        self.kind = kind
        self.model = model
        self.baseUrl = baseUrl.map(BackendChoice.storableURL)
        self.gguf = gguf
    }

    /// A base URL as it may be stored: scheme, host, port and path only. A user name or password
    /// (`http://user:key@host`), a query or a fragment could hold a credential and are dropped.
    public static func storableURL(_ text: String) -> String {
        guard var parts = URLComponents(string: text), parts.scheme != nil, parts.host != nil else { return text }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? text
    }

    /// One line for messages: `lan (qwen2.5-7b)`, `http://127.0.0.1:8080/v1 (m)`, `local`.
    public var summary: String {
        let what = baseUrl ?? gguf ?? name
        return model.map { "\(what) (\($0))" } ?? what
    }

    enum CodingKeys: String, CodingKey { case name, kind, model, baseUrl, gguf }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(String.self, forKey: .kind)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        // A hand-edited file gets the same cleaning as a new choice.
        baseUrl = try c.decodeIfPresent(String.self, forKey: .baseUrl).map(BackendChoice.storableURL)
        gguf = try c.decodeIfPresent(String.self, forKey: .gguf)
    }
}
