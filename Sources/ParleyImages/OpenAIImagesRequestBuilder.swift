/// The JSON body of `POST /v1/images/generations`. Pure.
public enum OpenAIImagesRequestBuilder {
    public static let defaultSize = ImageSize(width: 1024, height: 1024)

    public static func body(for request: ImageRequest, model: String?) -> [String: Any] {
        var body: [String: Any] = [
            "prompt": request.prompt,
            "n": 1,
            "size": (request.size ?? defaultSize).description,
            "response_format": "b64_json",
        ]
        if let model { body["model"] = model }
        return body
    }
}
