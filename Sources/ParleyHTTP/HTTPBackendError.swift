import ParleyCore

/// Everything that can go wrong talking to an OpenAI-compatible server, each with the one line a
/// user needs: what happened and what to do.
///
/// Values hold server text as received; `description` cleans and shortens it, so nothing a server
/// sends can reach the terminal raw. No case ever holds an API key: errors about the key name the
/// place it came from (`keySource`, e.g. "the key in OPENAI_API_KEY").
public enum HTTPBackendError: UserFacingError, Equatable {
    case invalidBaseURL(String)
    case connectionRefused(url: String)
    case unknownHost(host: String)
    case tlsFailure(host: String, detail: String)
    case network(url: String, detail: String)
    /// 401 or 403. `keySource` says where the key came from, e.g. "the key in OPENAI_API_KEY".
    case unauthorized(status: Int, url: String, keySource: String, keyWasSent: Bool)
    case modelNotFound(model: String, url: String, available: [String])
    case notFound(url: String)
    case rateLimited(url: String, retryAfter: Double?, message: String)
    case quotaExhausted(url: String, message: String)
    case contextTooLong(url: String, promptTokens: Int?, contextSize: Int?, message: String)
    case serverError(status: Int, url: String, message: String)
    /// A 400 that names streaming: the server wants a non-streaming request.
    case streamingRefused(url: String, message: String)
    /// A 400 that names `response_format` or `json_schema`: the server has no structured output.
    case structuredOutputRefused(url: String, message: String)
    /// A GBNF grammar was asked of a server; only the local runtime takes one.
    case grammarUnsupported(url: String)
    /// The schema to send is not a JSON object.
    case invalidSchema
    case requestRejected(status: Int, url: String, message: String)
    /// An error object inside a 200 event stream.
    case streamError(url: String, message: String)
    /// The body is not what an OpenAI-compatible server sends (HTML, non-JSON lines).
    case malformedStream(url: String, detail: String)
    case idleTimeout(url: String, seconds: Double)
    case deadlineExceeded(url: String, seconds: Double)
    /// The connection broke. `partialReplyKept`: some of the reply had already arrived.
    case connectionDropped(url: String, partialReplyKept: Bool)
    case apiKeyMissing(variable: String)
    case apiKeyCommandFailed(command: String, status: Int32)
    case apiKeyCommandEmpty(command: String)
    case apiKeyCommandTimedOut(command: String, seconds: Double)
    case apiKeyCommandTooLong(command: String, limit: Int)
    case noModels(url: String)
    /// The server redirected more than `RedirectPolicy.maxRedirects` times.
    case tooManyRedirects(url: String, count: Int)
    /// A redirect Parley does not follow: to a scheme other than http(s), or to nowhere.
    case redirectRefused(url: String, location: String?)
    /// A body past its cap (a reply, a `/models` list): what it was and the cap.
    case bodyTooLarge(url: String, what: String, limit: Int)
    /// The server sent more than `limit` bytes faster than they could be read.
    case overrun(url: String, limit: Int, partialReplyKept: Bool)

    public var description: String {
        switch self {
        case .invalidBaseURL(let text):
            return "the base URL \"\(clean(text, 100))\" is not an http(s) URL; set it like http://127.0.0.1:8080/v1"
        case .connectionRefused(let url):
            return "could not connect to \(url): connection refused; is the server running and is the base URL right?"
        case .unknownHost(let host):
            return "could not find the host \"\(clean(host, 100))\"; check the base URL and your network"
        case .tlsFailure(let host, let detail):
            return "the secure connection to \(clean(host, 100)) failed (\(clean(detail, 120))); check the URL scheme and the server's certificate"
        case .network(let url, let detail):
            return "the request to \(url) failed: \(clean(detail, 160))"
        case .unauthorized(let status, let url, let keySource, let keyWasSent):
            let what = keyWasSent ? "\(keySource) was rejected; check the key or set a valid one" : "no API key was sent; \(keySource)"
            return "\(status) \(Self.reasonPhrase(status)) from \(url): \(what)"
        case .modelNotFound(let model, let url, let available):
            let model = clean(model, 80)
            if available.isEmpty {
                return "the model \"\(model)\" was not found at \(url); run `parley models` to see what the server offers"
            }
            let shown = available.prefix(8).map { clean($0, 60) }.joined(separator: ", ")
            let more = available.count > 8 ? ", … (\(available.count) in all)" : ""
            return "the model \"\(model)\" was not found at \(url); the server offers: \(shown)\(more)"
        case .notFound(let url):
            return "404 Not Found from \(url); check the base URL (OpenAI-compatible servers usually end in /v1)"
        case .rateLimited(let url, let retryAfter, let message):
            let wait = retryAfter.map { "the server asks to wait \(Self.duration($0)); " } ?? ""
            return "429 Too Many Requests from \(url)\(suffix(message)); \(wait)try again later"
        case .quotaExhausted(let url, let message):
            return "\(url) says the account's quota is used up\(suffix(message)); check your plan and billing"
        case .contextTooLong(let url, let promptTokens, let contextSize, let message):
            var numbers = ""
            if let promptTokens, let contextSize {
                numbers = " (\(promptTokens) tokens, the server's context holds \(contextSize))"
            } else if message.isEmpty == false {
                numbers = suffix(message)
            }
            let setting = contextSize.map { "set context_size = \($0) in the config" } ?? "lower context_size in the config"
            return "the conversation is too long for the model's context at \(url)\(numbers); shorten the message, start a new conversation, or \(setting) so older turns are left out"
        case .serverError(let status, let url, let message):
            return "\(status) \(Self.reasonPhrase(status)) from \(url)\(suffix(message)); the server failed, try again later"
        case .streamingRefused(let url, let message):
            return "\(url) refused a streaming request\(suffix(message))"
        case .structuredOutputRefused(let url, let message):
            return "\(url) does not accept a JSON schema (response_format)\(suffix(message))"
        case .grammarUnsupported(let url):
            return "\(url) is a server: a GBNF grammar works only with the local backend"
        case .invalidSchema:
            return "the JSON schema is not a JSON object"
        case .requestRejected(let status, let url, let message):
            return "\(status) \(Self.reasonPhrase(status)) from \(url)\(suffix(message)); check the model name and the sampling settings"
        case .streamError(let url, let message):
            return "\(url) reported an error during the reply\(suffix(message))"
        case .malformedStream(let url, let detail):
            return "\(url) sent something that is not an OpenAI-compatible reply: \(clean(detail, 120)); check the base URL"
        case .idleTimeout(let url, let seconds):
            return "\(url) sent nothing for \(Self.duration(seconds)); the request was abandoned (raise idle_timeout if the model is slow to start)"
        case .deadlineExceeded(let url, let seconds):
            return "the reply from \(url) took longer than \(Self.duration(seconds)) and was stopped (raise the deadline in the config for long replies)"
        case .connectionDropped(let url, let partialReplyKept):
            return partialReplyKept
                ? "the connection to \(url) broke during the reply; the part received was kept, retry to get a full reply"
                : "the connection to \(url) broke before any reply arrived; try again"
        case .apiKeyMissing(let variable):
            return "the environment variable \(clean(variable, 60)) holding the API key is not set; export it or name another with api_key_env"
        case .apiKeyCommandFailed(let command, let status):
            return "the api_key_cmd \"\(clean(command, 80))\" failed with exit status \(status); run it by hand to see why"
        case .apiKeyCommandEmpty(let command):
            return "the api_key_cmd \"\(clean(command, 80))\" printed no key; check that it prints the key on its first line"
        case .apiKeyCommandTimedOut(let command, let seconds):
            return "the api_key_cmd \"\(clean(command, 80))\" did not finish within \(Self.duration(seconds)) and was stopped; run it by hand to see why"
        case .apiKeyCommandTooLong(let command, let limit):
            return "the api_key_cmd \"\(clean(command, 80))\" printed more than \(ByteCountText.describe(limit)), which is not a key; check that it prints only the key"
        case .tooManyRedirects(let url, let count):
            return "\(url) redirected more than \(count) times (a redirect loop?); check the base URL"
        case .redirectRefused(let url, let location):
            guard let location, !location.isEmpty else {
                return "\(url) answered with a redirect that names no target; check the base URL"
            }
            return "\(url) redirected to \(clean(location, 120)), which is not an http(s) URL, so it was not followed; check the base URL"
        case .overrun(let url, let limit, let partialReplyKept):
            let kept = partialReplyKept ? "; the part received was kept" : ""
            return "\(url) sent more than \(ByteCountText.describe(limit)) faster than it could be read, so the request was stopped\(kept)"
        case .bodyTooLarge(let url, let what, let limit):
            return "\(url) sent \(what) larger than \(ByteCountText.describe(limit)); the rest was not read"
        case .noModels(let url):
            return "\(url) lists no models, so the model to use must be named"
        }
    }

    /// True for failures that a later attempt could cure.
    public var isTransient: Bool {
        switch self {
        case .rateLimited, .serverError, .connectionDropped: return true
        default: return false
        }
    }

    private func clean(_ text: String, _ limit: Int) -> String { ServerText.clean(text, limit: limit) }

    /// ": message" when there is a message worth quoting.
    private func suffix(_ message: String) -> String {
        let cleaned = ServerText.clean(message)
        return cleaned.isEmpty ? "" : ": " + cleaned
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 120 { return "\(Int(seconds.rounded())) s" }
        return "\(Int((seconds / 60).rounded())) min"
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return status >= 500 ? "Server Error" : "Error"
        }
    }
}
