import Foundation
import ParleyCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Builds the HTTP requests for an endpoint: pure, so the exact JSON and headers are tested.
public enum OpenAIRequestBuilder {
    /// The JSON body of a chat completion request.
    /// - Parameter askForUsage: add `stream_options.include_usage` to a streaming request (a few
    ///   servers reject the field; they are asked again without it).
    public static func chatBody(model: String, request: ChatRequest, stream: Bool, askForUsage: Bool = true) -> [String: Any] {
        var body: [String: Any] = [
            "model": model,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            "stream": stream,
        ]
        if stream && askForUsage { body["stream_options"] = ["include_usage": true] }
        let sampling = request.sampling
        if let temperature = sampling.temperature { body["temperature"] = temperature }
        if let topP = sampling.topP { body["top_p"] = topP }
        if let maxTokens = sampling.maxTokens { body["max_tokens"] = maxTokens }
        if let seed = sampling.seed { body["seed"] = NSNumber(value: seed) }
        if !sampling.stop.isEmpty { body["stop"] = sampling.stop }
        return body
    }

    /// - Parameter sendFormat: send the request's JSON schema as `response_format` (servers that
    ///   reject it are asked again without it).
    public static func chatRequest(
        endpoint: OpenAIEndpoint, model: String, key: String?, request: ChatRequest, stream: Bool, askForUsage: Bool = true,
        sendFormat: Bool = true
    ) throws -> URLRequest {
        var urlRequest = base(endpoint: endpoint, url: endpoint.chatCompletionsURL, key: key)
        urlRequest.httpMethod = "POST"
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        urlRequest.setValue(stream ? "text/event-stream" : "application/json", forHTTPHeaderField: "Accept")
        var body = try JSONSerialization.data(
            withJSONObject: chatBody(model: model, request: request, stream: stream, askForUsage: askForUsage), options: [.sortedKeys])
        if sendFormat, let format = request.format, let field = try responseFormatField(format) {
            // Spliced in as text: the schema's key order is the order a server generates the
            // properties in (reasoning before scores), and JSONSerialization would not keep it.
            body.removeLast()  // the body object's closing brace
            body.append(Data(",\"response_format\":".utf8))
            body.append(Data(field.utf8))
            body.append(Data("}".utf8))
        }
        urlRequest.httpBody = body
        return urlRequest
    }

    /// OpenAI's Structured Outputs field for a schema, as JSON text:
    /// `{"type":"json_schema","json_schema":{"name":…,"schema":…,"strict":true}}`. Nil for a
    /// grammar, which servers are not sent.
    public static func responseFormatField(_ format: ResponseFormat) throws -> String? {
        guard case .jsonSchema(let name, let schema) = format else { return nil }
        let schemaData = Data(schema.utf8)
        guard (try? JSONSerialization.jsonObject(with: schemaData)) is [String: Any] else {
            throw HTTPBackendError.invalidSchema
        }
        let nameJSON = String(decoding: try JSONSerialization.data(withJSONObject: [ResponseFormat.schemaName(from: name)]), as: UTF8.self)
        let quotedName = String(nameJSON.dropFirst().dropLast())
        let compact = schema.trimmingCharacters(in: .whitespacesAndNewlines)
        return "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\(quotedName),\"schema\":\(compact),\"strict\":true}}"
    }

    public static func modelsRequest(endpoint: OpenAIEndpoint, key: String?) -> URLRequest {
        var urlRequest = base(endpoint: endpoint, url: endpoint.modelsURL, key: key)
        urlRequest.httpMethod = "GET"
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        return urlRequest
    }

    private static func base(endpoint: OpenAIEndpoint, url: URL, key: String?) -> URLRequest {
        var urlRequest = URLRequest(url: url)
        urlRequest.timeoutInterval = endpoint.idleTimeout
        urlRequest.setValue("parley", forHTTPHeaderField: "User-Agent")
        for (name, value) in endpoint.extraHeaders.sorted(by: { $0.key < $1.key }) {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        if let key { urlRequest.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        return urlRequest
    }

    /// The model names of a `/models` answer: OpenAI's `data[].id`, or Ollama-style `models[].name`.
    public static func modelNames(fromModelsBody body: Data) -> [String]? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        if let data = object["data"] as? [Any] {
            return data.compactMap { ($0 as? [String: Any])?["id"] as? String }
        }
        if let models = object["models"] as? [Any] {
            return models.compactMap { entry -> String? in
                guard let entry = entry as? [String: Any] else { return nil }
                return (entry["id"] as? String) ?? (entry["name"] as? String) ?? (entry["model"] as? String)
            }
        }
        return nil
    }
}
