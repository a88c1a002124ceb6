import Foundation

/// A picture a backend made: its bytes as the server sent them, checked to be a PNG or JPEG of
/// an allowed size, and the parameters it was made with.
public struct GeneratedImage: Sendable, Equatable {
    public var data: Data
    public var header: ImageHeader
    public var parameters: ImageParameters

    public init(data: Data, header: ImageHeader, parameters: ImageParameters) {
        self.data = data
        self.header = header
        self.parameters = parameters
    }
}

/// What a picture was made with, kept in its sidecar file beside it.
public struct ImageParameters: Sendable, Equatable, Codable {
    public var prompt: String
    public var negativePrompt: String?
    /// The seed the server used (SD WebUI reports it even when -1 was asked for).
    public var seed: Int64?
    public var model: String?
    public var sampler: String?
    public var steps: Int?
    public var width: Int
    public var height: Int
    /// The backend's name and kind (`sdwebui`, `openai`).
    public var backend: String
    public var kind: String

    public init(
        prompt: String, negativePrompt: String? = nil, seed: Int64? = nil, model: String? = nil, sampler: String? = nil,
        steps: Int? = nil, width: Int, height: Int, backend: String, kind: String
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.model = model
        self.sampler = sampler
        self.steps = steps
        self.width = width
        self.height = height
        self.backend = backend
        self.kind = kind
    }
}
