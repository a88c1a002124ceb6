import Foundation
import ParleyCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends requests whose whole answer is read at once (a picture as JSON, a list), with what the chat
/// backend does for its replies: the key resolved once and sent as a bearer token, every body capped,
/// errors classified into one line (`ErrorClassifier`), transient failures retried with backoff
/// (`RetryPolicy`), an idle timeout and an overall deadline.
///
/// Cancelling the calling task closes the connection at once and throws `CancellationError`.
public struct WholeBodyClient: Sendable {
    /// Where requests go, with the timing and retry settings.
    public struct Settings: Sendable, Equatable {
        public var apiKey: APIKeySource
        public var idleTimeout: Double
        public var deadline: Double
        public var maxRetries: Int
        public var retryBaseDelay: Double
        public var extraHeaders: [String: String]

        public init(
            apiKey: APIKeySource = .none, idleTimeout: Double = 300, deadline: Double = 900, maxRetries: Int = 3,
            retryBaseDelay: Double = 1, extraHeaders: [String: String] = [:]
        ) {
            self.apiKey = apiKey
            self.idleTimeout = idleTimeout
            self.deadline = deadline
            self.maxRetries = maxRetries
            self.retryBaseDelay = retryBaseDelay
            self.extraHeaders = extraHeaders
        }
    }

    public let settings: Settings
    private let keyResolver: APIKeyResolver
    private let key = KeyCache()

    public init(settings: Settings, keyResolver: APIKeyResolver = APIKeyResolver()) {
        self.settings = settings
        self.keyResolver = keyResolver
    }

    /// Sends `method url` with a JSON `body` (or none), and returns the answer's body when its status
    /// is below 400.
    /// - Parameters:
    ///   - what: how a body past `limit` is named in the error ("a picture").
    ///   - retries: false for requests that must not be sent twice (an interrupt).
    ///   - notice: told before each retry, e.g. "retrying in 2 s after 503 Service Unavailable".
    public func send(
        _ method: String, _ url: URL, json body: Data? = nil, what: String, limit: Int, retries: Bool = true,
        notice: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Data {
        let secret = try resolveKey()
        let shown = OpenAIEndpoint.display(url)
        let deadline = settings.deadline
        let policy = RetryPolicy(maxRetries: retries ? settings.maxRetries : 0, baseDelay: settings.retryBaseDelay)
        let started = ContinuousClock.now
        let request = makeRequest(method, url, body: body, key: secret)
        return try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask {
                var retriesSoFar = 0
                while true {
                    do {
                        return try await exchange(request, shown: shown, what: what, limit: limit, key: secret)
                    } catch let failure as AttemptFailure {
                        let elapsed = started.duration(to: .now)
                        let timeLeft = deadline - Double(elapsed.components.seconds)
                        let decision = policy.decide(
                            after: failure.error, status: failure.status, retryAfter: failure.retryAfter,
                            retriesSoFar: retriesSoFar, replyStarted: false, timeLeft: timeLeft)
                        guard case .retry(let delay, let text) = decision else { throw failure.error }
                        notice(text)
                        try await Task.sleep(for: .milliseconds(Int((delay * 1000).rounded())))
                        retriesSoFar += 1
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int((deadline * 1000).rounded())))
                throw HTTPBackendError.deadlineExceeded(url: shown, seconds: deadline)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let data = first else { throw CancellationError() }
            return data
        }
    }

    private func makeRequest(_ method: String, _ url: URL, body: Data?, key: String?) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("parley", forHTTPHeaderField: "User-Agent")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in settings.extraHeaders.sorted(by: { $0.key < $1.key }) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        return request
    }

    /// One attempt: the body of a 2xx answer, or an `AttemptFailure` the retry policy judges.
    private func exchange(_ request: URLRequest, shown: String, what: String, limit: Int, key: String?) async throws -> Data {
        let context = ErrorClassifier.Context(
            url: shown, model: "", keySource: key == nil ? settings.apiKey.missingKeyAdvice : settings.apiKey.sentKeyDescription,
            keyWasSent: key != nil, secret: key)
        var answer = WholeAnswerReader(limit: limit, url: shown, what: what)
        do {
            for try await event in HTTPStreamTransport.stream(request, idleTimeout: settings.idleTimeout) {
                if try !answer.take(event) { break }
            }
        } catch let error as HTTPBackendError {
            throw error
        } catch {
            let failure = try HTTPBackendError.transportFailure(
                error, url: shown, host: request.url?.host ?? "", context: context, replyStarted: false, idleTimeout: settings.idleTimeout)
            throw AttemptFailure(error: failure, status: nil, retryAfter: nil)
        }
        let (status, headers, body) = (answer.status, answer.headers, answer.data)
        // A cancelled request's stream just ends: what was read is not an answer.
        try Task.checkCancellation()
        if status >= 400 {
            let error = ErrorClassifier.classify(status: status, headers: headers, body: body, context: context)
            throw AttemptFailure(error: error, status: status, retryAfter: RetryAfter.delay(from: headers, now: Date()))
        }
        return body
    }

    private func resolveKey() throws -> String? {
        if let cached = key.value { return cached.key }
        let resolved = try keyResolver.resolve(settings.apiKey)
        key.value = KeyCache.Resolved(key: resolved)
        return resolved
    }
}

/// The key once resolved, so a key command runs once per client; reflection shows none of it.
private final class KeyCache: @unchecked Sendable, CustomReflectable {
    struct Resolved { var key: String? }
    private let lock = NSLock()
    private var stored: Resolved?
    var customMirror: Mirror { Mirror(self, children: [:]) }
    var value: Resolved? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
