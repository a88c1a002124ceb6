import Foundation

/// What a server said about an error, read from whatever shape its body has.
///
/// OpenAI and llama.cpp send `{"error": {"message", "type", "code"}}`; Ollama sends
/// `{"error": "text"}`; vLLM sends `{"object": "error", "message": ...}`; FastAPI-based servers send
/// `{"detail": ...}`; proxies send HTML pages. All of them end up here as plain fields.
public struct ServerErrorBody: Sendable, Equatable {
    public var message: String
    public var type: String?
    /// The `code` field as text (OpenAI uses strings, llama.cpp numbers).
    public var code: String?
    /// llama.cpp's `n_prompt_tokens` and `n_ctx` on a context overflow.
    public var promptTokens: Int?
    public var contextSize: Int?
    /// The body was an HTML page, not JSON.
    public var isHTML: Bool

    public init(
        message: String, type: String? = nil, code: String? = nil, promptTokens: Int? = nil,
        contextSize: Int? = nil, isHTML: Bool = false
    ) {
        self.message = message
        self.type = type
        self.code = code
        self.promptTokens = promptTokens
        self.contextSize = contextSize
        self.isHTML = isHTML
    }

    /// How much of an error body is read: the message is at its start, and a server that sends
    /// megabytes with an error is not read to the end.
    public static let maxBodyBytes = 64 << 10

    /// Reads an error body of any shape; never fails (the raw text is the message of last resort).
    public static func parse(_ body: Data) -> ServerErrorBody {
        if let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let parsed = from(object: object)
        {
            return parsed
        }
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        if looksLikeHTML(text) {
            return ServerErrorBody(message: htmlSummary(text), isHTML: true)
        }
        return ServerErrorBody(message: text)
    }

    /// Reads the error object of a JSON value already parsed (a chunk of a stream, a whole body).
    /// Returns nil when the value carries no error.
    public static func from(object: [String: Any]) -> ServerErrorBody? {
        if let error = object["error"] as? [String: Any] {
            return ServerErrorBody(
                message: (error["message"] as? String) ?? (error["msg"] as? String) ?? "",
                type: error["type"] as? String,
                code: text(error["code"]),
                promptTokens: error["n_prompt_tokens"] as? Int,
                contextSize: error["n_ctx"] as? Int)
        }
        if let error = object["error"] as? String {
            return ServerErrorBody(message: error, code: text(object["code"]))
        }
        if (object["object"] as? String) == "error", let message = object["message"] as? String {
            return ServerErrorBody(message: message, type: object["type"] as? String, code: text(object["code"]))
        }
        if let detail = object["detail"] as? String {
            return ServerErrorBody(message: detail)
        }
        return nil
    }

    /// The server says the prompt does not fit its context window.
    public var isContextTooLong: Bool {
        if code == "context_length_exceeded" || type == "exceed_context_size_error"
            || code == "exceed_context_size_error"
        {
            return true
        }
        let lower = message.lowercased()
        return lower.contains("maximum context length") || lower.contains("exceeds the available context size")
            || lower.contains("context length exceeded") || lower.contains("context_length_exceeded")
            || lower.contains("exceed_context_size")
    }

    /// The account is out of credit: waiting will not help.
    public var isQuotaExhausted: Bool {
        code == "insufficient_quota" || type == "insufficient_quota"
            || message.lowercased().contains("exceeded your current quota")
    }

    /// The server names OpenAI's structured-output field: it does not take a JSON schema.
    public var mentionsStructuredOutput: Bool {
        let lower = message.lowercased()
        return lower.contains("response_format") || lower.contains("json_schema")
    }

    /// The server names streaming as the problem (it refuses `stream: true`).
    public var mentionsStreaming: Bool {
        message.lowercased().contains("stream")
    }

    /// The server says the requested model does not exist.
    public var isModelNotFound: Bool {
        if code == "model_not_found" { return true }
        let lower = message.lowercased()
        return lower.contains("model")
            && (lower.contains("not found") || lower.contains("does not exist") || lower.contains("not exist"))
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string
        case let number as Int: return String(number)
        default: return nil
        }
    }

    static func looksLikeHTML(_ text: String) -> Bool {
        let head = text.prefix(512).lowercased()
        return head.contains("<html") || head.contains("<!doctype html") || head.contains("<head")
            || head.contains("<body") || head.contains("<title")
    }

    /// The `<title>` of a page (or its text without tags), for the one-line message.
    static func htmlSummary(_ html: String) -> String {
        if let start = html.range(of: "<title>", options: .caseInsensitive),
            let end = html.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<html.endIndex)
        {
            return String(html[start.upperBound..<end.lowerBound])
        }
        var out = ""
        var inTag = false
        for character in html.prefix(4096) {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
                out.append(" ")
            } else if !inTag {
                out.append(character)
            }
        }
        return out
    }
}
