/// Something that makes pictures from a prompt. Cancelling the calling task stops the request; a
/// backend that can stop the server's work too (SD WebUI's interrupt) does so.
public protocol ImageBackend: Sendable {
    var name: String { get }
    /// - Parameter progress: told how far the picture is, when the server says (0...1).
    func generate(_ request: ImageRequest, progress: @escaping @Sendable (ImageProgress) -> Void) async throws -> GeneratedImage
    /// What `ImageRequest.model` can name: the checkpoints (SD WebUI) or models (OpenAI) the server lists.
    func modelNames() async throws -> [String]
}

/// How far a picture is, as a server reports it.
public struct ImageProgress: Sendable, Equatable {
    public var fraction: Double
    /// Seconds the server expects it to take still.
    public var secondsLeft: Double?

    public init(fraction: Double, secondsLeft: Double? = nil) {
        self.fraction = fraction
        self.secondsLeft = secondsLeft
    }
}
