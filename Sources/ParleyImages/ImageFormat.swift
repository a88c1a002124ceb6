/// The picture formats Parley reads.
public enum ImageFormat: String, Sendable, Equatable, Codable {
    case png
    case jpeg

    public var fileExtension: String { self == .png ? "png" : "jpg" }
}
