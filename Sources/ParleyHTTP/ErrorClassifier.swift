import Foundation

/// Maps what went wrong (an HTTP status and body, or a transport error) to an `HTTPBackendError`.
/// Pure: the caller supplies everything, so every mapping is tested without a network.
public enum ErrorClassifier {
    /// What the classifier needs to know about the request to write a useful message.
    public struct Context: Sendable, Equatable {
        /// The URL as shown to the user (no credentials, no query).
        public var url: String
        public var model: String
        /// Where the key came from, e.g. "the key in OPENAI_API_KEY".
        public var keySource: String
        public var keyWasSent: Bool
        /// The key itself, only so it can be masked if a server echoes it back.
        public var secret: String?

        public init(url: String, model: String, keySource: String, keyWasSent: Bool, secret: String? = nil) {
            self.url = url
            self.model = model
            self.keySource = keySource
            self.keyWasSent = keyWasSent
            self.secret = secret
        }
    }

    /// An HTTP status of 400 or more, with its body and lowercased headers.
    public static func classify(
        status: Int, headers: [String: String], body: Data, context: Context, now: Date = Date()
    ) -> HTTPBackendError {
        var server = ServerErrorBody.parse(body)
        server.message = ServerText.clean(server.message, limit: 1000, redacting: context.secret)
        return classify(status: status, server: server, headers: headers, context: context, now: now)
    }

    public static func classify(
        status: Int, server: ServerErrorBody, headers: [String: String], context: Context, now: Date = Date()
    ) -> HTTPBackendError {
        let url = context.url
        if server.isContextTooLong {
            return .contextTooLong(
                url: url, promptTokens: server.promptTokens, contextSize: server.contextSize, message: server.message)
        }
        switch status {
        case 401, 403:
            return .unauthorized(status: status, url: url, keySource: context.keySource, keyWasSent: context.keyWasSent)
        case 402:
            return .quotaExhausted(url: url, message: server.message)
        case 429:
            if server.isQuotaExhausted { return .quotaExhausted(url: url, message: server.message) }
            return .rateLimited(url: url, retryAfter: RetryAfter.delay(from: headers, now: now), message: server.message)
        case 404:
            return server.isModelNotFound ? .modelNotFound(model: context.model, url: url, available: []) : .notFound(url: url)
        case 400..<500:
            if server.isModelNotFound { return .modelNotFound(model: context.model, url: url, available: []) }
            if (status == 400 || status == 422) && server.mentionsStructuredOutput {
                return .structuredOutputRefused(url: url, message: server.message)
            }
            if (status == 400 || status == 422) && server.mentionsStreaming {
                return .streamingRefused(url: url, message: server.message)
            }
            return .requestRejected(status: status, url: url, message: server.message)
        default:
            if server.isHTML && status < 500 { return .malformedStream(url: url, detail: server.message) }
            return .serverError(status: status, url: url, message: server.message)
        }
    }

    /// A transport failure (URLError code and its text) before or during a reply.
    public static func classify(
        urlErrorCode code: Int, detail: String, host: String, context: Context, replyStarted: Bool,
        idleTimeout: Double
    ) -> HTTPBackendError {
        // FoundationNetworking reports most TLS failures as code -1 with OpenSSL's text.
        let lower = detail.lowercased()
        if lower.contains("ssl") || lower.contains("tls") || lower.contains("certificate") {
            return .tlsFailure(host: host, detail: detail)
        }
        switch code {
        case -1004:  // cannotConnectToHost
            return .connectionRefused(url: context.url)
        case -1003, -1006:  // cannotFindHost, dnsLookupFailed
            return .unknownHost(host: host)
        case -1200, -1201, -1202, -1203, -1204, -1205, -1206, -2000:
            return .tlsFailure(host: host, detail: detail)
        case -1001:  // timedOut: URLSession's timeoutInterval is an idle timeout
            return .idleTimeout(url: context.url, seconds: idleTimeout)
        case -1005, -1, -1011, -1017:  // connection lost, "transfer closed", bad/unparseable response
            return .connectionDropped(url: context.url, partialReplyKept: replyStarted)
        default:
            return .network(url: context.url, detail: detail)
        }
    }
}
