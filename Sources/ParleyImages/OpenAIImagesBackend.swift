import Foundation
import ParleyHTTP

/// An OpenAI-compatible images API: `POST /images/generations` under the base URL, the picture
/// asked for as `b64_json`. Keys, retries and errors as for chat (see `WholeBodyClient`).
public struct OpenAIImagesBackend: ImageBackend {
    public let endpoint: ImageEndpoint
    private let client: WholeBodyClient

    public init(endpoint: ImageEndpoint, keyResolver: APIKeyResolver = APIKeyResolver()) {
        self.endpoint = endpoint
        client = WholeBodyClient(settings: endpoint.settings, keyResolver: keyResolver)
    }

    public var name: String { endpoint.name }

    public func generate(
        _ request: ImageRequest, progress: @escaping @Sendable (ImageProgress) -> Void
    ) async throws -> GeneratedImage {
        let kind = ImageBackendKind.openai.rawValue
        if request.initImage != nil { throw ImageError.unsupported(option: "--init", kind: kind) }
        if request.control != nil { throw ImageError.unsupported(option: "--control", kind: kind) }
        let url = endpoint.url("images/generations")
        let body = OpenAIImagesRequestBuilder.body(for: request, model: endpoint.model)
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let answer = try await client.send("POST", url, json: json, what: "a picture", limit: ImageEndpoint.maxPictureBody)
        let picture = try PictureAnswer.openAI(answer, url: OpenAIEndpoint.display(url))
        let parameters = ImageParameters(
            prompt: request.prompt, model: endpoint.model, width: picture.header.width, height: picture.header.height,
            backend: endpoint.name, kind: kind)
        return GeneratedImage(data: picture.data, header: picture.header, parameters: parameters)
    }
}
