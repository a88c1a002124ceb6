import Foundation

/// One `[images.NAME]` table: a picture generator.
public struct ImageBackendConfig: Sendable, Equatable {
    public var name: String
    /// `sdwebui` or `openai`.
    public var kind: String
    public var baseURL: URL
    /// A checkpoint (sdwebui) or model (openai); nil keeps the server's.
    public var model: String?
    public var apiKeyEnv: String?
    public var apiKeyCommand: String?
    /// Seconds without a byte before a request is abandoned (a picture takes a while: 300 by default).
    public var idleTimeout: Double?
    /// Seconds a whole picture may take.
    public var timeout: Double?

    /// The kinds a table may name.
    public static let kinds = ["sdwebui", "openai"]

    public init(name: String, kind: String, baseURL: URL) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
    }
}
