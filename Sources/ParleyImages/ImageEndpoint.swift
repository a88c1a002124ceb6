import Foundation
import ParleyHTTP

/// Which API an image server speaks.
public enum ImageBackendKind: String, Sendable, Equatable, CaseIterable {
    /// AUTOMATIC1111 / Forge Stable Diffusion WebUI (`/sdapi/v1/...`), base URL without `/v1`.
    case sdwebui
    /// OpenAI-compatible `/v1/images/generations`, base URL up to and including `/v1`.
    case openai
}

/// One `[images.NAME]` table, or `--image-backend`/`--base-url`, resolved.
public struct ImageEndpoint: Sendable, Equatable {
    public var name: String
    public var kind: ImageBackendKind
    public var baseURL: URL
    /// A checkpoint (sdwebui) or model (openai); nil leaves the server's current one.
    public var model: String?
    public var settings: WholeBodyClient.Settings

    public init(name: String, kind: ImageBackendKind, baseURL: URL, model: String? = nil, settings: WholeBodyClient.Settings) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.settings = settings
    }

    public func url(_ path: String) -> URL { baseURL.appendingPathComponent(path) }

    /// The largest answer holding a picture: a 2048×2048 PNG as base64 with room to spare.
    public static let maxPictureBody = 64 << 20
    /// The largest list (LoRAs, checkpoints, ControlNet models) or progress answer.
    public static let maxListBody = 8 << 20
}
