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
        let model = request.model ?? endpoint.model
        let body = OpenAIImagesRequestBuilder.body(for: request, model: model)
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let answer = try await client.send("POST", url, json: json, what: "a picture", limit: ImageEndpoint.maxPictureBody)
        let picture = try PictureAnswer.openAI(answer, url: OpenAIEndpoint.display(url))
        let parameters = ImageParameters(
            prompt: request.prompt, model: model, width: picture.header.width, height: picture.header.height,
            backend: endpoint.name, kind: kind)
        return GeneratedImage(data: picture.data, header: picture.header, parameters: parameters)
    }

    /// The model ids the server lists (`GET /models` under the base URL).
    public func modelNames() async throws -> [String] {
        let url = endpoint.url("models")
        let body = try await client.send("GET", url, what: "a model list", limit: ImageEndpoint.maxListBody)
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any], let data = object["data"] as? [Any] else {
            throw ImageError.notAList(url: OpenAIEndpoint.display(url), expected: "an OpenAI model list")
        }
        return data.compactMap { ($0 as? [String: Any])?["id"] as? String }
    }
}
