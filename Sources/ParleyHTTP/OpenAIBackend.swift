import Foundation
import ParleyCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `ChatBackend` for any OpenAI-compatible server (OpenAI, llama.cpp's server, Ollama, vLLM, ...).
///
/// One reply is one streamed `POST /chat/completions`, retried (with a `.notice`) only while nothing
/// of the reply has arrived; a server that refuses streaming is asked once more without it.
///
/// How a reply ends:
/// - `.finish(.stop / .length / .error)` as the server said; `.finish(.truncated)` when the stream
///   ended after some text but with neither `[DONE]` nor a finish reason;
/// - or the stream throws an `HTTPBackendError`. Text already streamed stays with the consumer,
///   which keeps it and records `oneLineDescription(of: error)` beside it; nothing is retried
///   once text has arrived.
///
/// Cancelling the consuming task (or dropping the stream) closes the connection at once and ends
/// the stream without an error. The idle timeout and the overall deadline come from the endpoint.
public struct OpenAIBackend: ChatBackend {
    public let endpoint: OpenAIEndpoint
    private let keyResolver: APIKeyResolver
    private let cache = ResolvedValues()

    public init(endpoint: OpenAIEndpoint, keyResolver: APIKeyResolver = APIKeyResolver()) {
        self.endpoint = endpoint
        self.keyResolver = keyResolver
    }

    public var descriptor: BackendDescriptor {
        BackendDescriptor(name: endpoint.name, kind: "openai", model: endpoint.model ?? cache.model ?? "default")
    }

    public var contextSize: Int { endpoint.contextSize }

    public func tokenCount(of message: ChatMessage) -> Int {
        TokenEstimator.estimate(message)
    }

    public func minimumTokenCount(of message: ChatMessage) -> Int {
        TokenEstimator.minimum(message)
    }

    /// The longest `/models` answer read: thousands of models with their descriptions.
    public static let maxModelsBodyBytes = 8 << 20

    /// The longest whole (non-streamed) reply read: the reply's text cap, with room for JSON
    /// escapes and the fields around it.
    static func wholeBodyLimit(maxReplyBytes: Int) -> Int { 2 * maxReplyBytes + (64 << 10) }

    public func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await withDeadline(url: endpoint.chatCompletionsURL) {
                        try await run(request, continuation: continuation)
                    }
                    continuation.finish()
                } catch {
                    // A consumer that cancelled is gone: just end.
                    if Task.isCancelled || error is CancellationError {
                        continuation.finish()
                    } else {
                        continuation.finish(throwing: error)
                    }
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The model replies will use: the configured one, or else the first the server lists
    /// (asked once, then remembered). For status lines that want the name before the first reply.
    public func resolvedModel() async throws -> String {
        let key = try resolveKey()
        return try await withDeadline(url: endpoint.modelsURL) {
            try await resolveModel(key: key)
        }
    }

    /// The model names the server's `/models` lists, in its order.
    public func listModels() async throws -> [String] {
        let key = try resolveKey()
        return try await withDeadline(url: endpoint.modelsURL) {
            try await fetchModels(key: key)
        }
    }

    // MARK: - One reply

    private func run(_ request: ChatRequest, continuation: AsyncThrowingStream<ReplyEvent, Error>.Continuation) async throws {
        if case .grammar = request.format {
            throw HTTPBackendError.grammarUnsupported(url: OpenAIEndpoint.display(endpoint.chatCompletionsURL))
        }
        let key = try resolveKey()
        let model = try await resolveModel(key: key)
        let policy = RetryPolicy(maxRetries: endpoint.maxRetries, baseDelay: endpoint.retryBaseDelay)
        let started = ContinuousClock.now
        let progress = ReplyProgress()
        var retries = 0
        var streaming = endpoint.streaming && !cache.refusesStreaming
        var askForUsage = !cache.refusesStreamOptions
        var sendFormat = !cache.refusesResponseFormat
        // Attempts in a row whose answered connection broke before any reply (see below).
        var warmDrops = 0
        while true {
            let warms = endpoint.warmsConnection && warmDrops < 2
            do {
                if warms { try await openAnsweredConnection(key: key, continuation: continuation) }
                try await attempt(
                    request, model: model, key: key, streaming: streaming, askForUsage: askForUsage, sendFormat: sendFormat,
                    progress: progress, continuation: continuation)
                return
            } catch let failure as AttemptFailure {
                var error = failure.error
                // A connection closed as the request reached it happens once, when the server's
                // idle timeout meets the request: the retry has a connection answered anew. A
                // server that drops requests on every answered connection is asked on a new one
                // (which costs a core while it answers, but answers).
                if case .connectionDropped = error, warms { warmDrops += 1 } else { warmDrops = 0 }
                if case .structuredOutputRefused = error, request.format != nil, sendFormat {
                    // No structured output on this server: ask without it; the engine checks the
                    // reply against the schema. Said once per backend, not on every reply.
                    sendFormat = false
                    if !cache.refusesResponseFormat {
                        cache.refusesResponseFormat = true
                        continuation.yield(.notice(
                            "the server does not accept a JSON schema; asking without one, and Parley checks the reply against the schema itself"))
                    }
                    continue
                }
                if case .streamingRefused(_, let message) = error, streaming, askForUsage,
                    message.lowercased().contains("stream_options")
                {
                    // Older servers reject only the usage option: keep streaming without it.
                    askForUsage = false
                    cache.refusesStreamOptions = true
                    continue
                }
                if case .streamingRefused = error, streaming {
                    streaming = false
                    cache.refusesStreaming = true
                    continuation.yield(.notice("the server refused a streaming request; the reply will arrive all at once"))
                    continue
                }
                if case .modelNotFound = error { error = await withAvailableModels(error, key: key) }
                if case .notFound = error { error = await withAvailableModels(error, key: key) }
                let elapsed = ContinuousClock.now - started
                let timeLeft = endpoint.deadline - Double(elapsed.components.seconds) - Double(elapsed.components.attoseconds) / 1e18
                let decision = policy.decide(
                    after: error, status: failure.status, retryAfter: failure.retryAfter, retriesSoFar: retries,
                    replyStarted: progress.replyStarted, timeLeft: timeLeft)
                guard case .retry(let delay, let notice) = decision else { throw error }
                continuation.yield(.notice(notice))
                try await Task.sleep(for: .milliseconds(Int((delay * 1000).rounded())))
                retries += 1
            }
        }
    }

    /// Has the server answer a `/models` request (what it says is ignored), so that the request
    /// after it goes out on a connection that has answered once.
    ///
    /// Why: on Linux the first request on a new connection keeps URLSession waking in a loop until
    /// that request ends (a core, whatever the rate; see `StreamingSessions`), while a request on a
    /// connection that has answered waits for nothing, however long the model takes to start. An
    /// answer with `Connection: close` leaves no connection to reuse: the server is asked once
    /// more, on a new one. A server that does not answer is probed now and then (see
    /// `ProbeSchedule`) and the request is not sent: after the idle timeout the attempt fails as the
    /// request itself would have. Errors (refused, no such host, ...) are left for the request to
    /// meet and report.
    private func openAnsweredConnection(
        key: String?, continuation: AsyncThrowingStream<ReplyEvent, Error>.Continuation
    ) async throws {
        for _ in 0..<2 {
            let answer: ModelsAnswer?
            do {
                answer = try await waitForModels(key: key) { attempt, _ in
                    guard attempt == 1 else { return }
                    continuation.yield(.notice(
                        "\(OpenAIEndpoint.display(endpoint.baseURL)) has not answered yet; the request goes out once it does (idle_timeout \(HTTPBackendError.duration(endpoint.idleTimeout)))"))
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                return
            }
            guard let answer else {
                // Named after what went unanswered: the question itself was never sent.
                throw AttemptFailure(
                    error: .idleTimeout(url: OpenAIEndpoint.display(endpoint.modelsURL), seconds: endpoint.idleTimeout))
            }
            if !answer.closesConnection { return }
        }
    }

    /// One HTTP exchange. Throws `AttemptFailure` for anything the retry policy should look at.
    private func attempt(
        _ request: ChatRequest, model: String, key: String?, streaming: Bool, askForUsage: Bool, sendFormat: Bool,
        progress: ReplyProgress, continuation: AsyncThrowingStream<ReplyEvent, Error>.Continuation
    ) async throws {
        let urlRequest = try OpenAIRequestBuilder.chatRequest(
            endpoint: endpoint, model: model, key: key, request: request, stream: streaming, askForUsage: askForUsage,
            sendFormat: sendFormat)
        let url = OpenAIEndpoint.display(endpoint.chatCompletionsURL)
        let context = errorContext(url: url, model: model, key: key)
        var decoder = SSEDecoder()
        var interpreter = OpenAIChunkInterpreter(url: url)
        var status = 0
        var headers: [String: String] = [:]
        var body = BodyCollector(limit: ServerErrorBody.maxBodyBytes)
        var wholeBody = !streaming

        /// Interprets what one read decoded and hands it on, text pieces of the read joined (see
        /// `ReplyEventBatch`). What came before a bad line is handed on before the error.
        // Text and reasoning handed on. Past the reply's cap nothing more is read: the consumer
        // (the engine) cuts the reply at its cap and notes it; the stream only has to stop.
        var delivered = 0
        func deliver(_ outputs: [SSEDecoder.Output]) throws {
            var events: [ReplyEvent] = []
            defer {
                for event in ReplyEventBatch.coalesce(events) {
                    switch event {
                    case .text(let piece), .reasoning(let piece): delivered += piece.utf8.count
                    default: break
                    }
                    continuation.yield(event)
                }
                if interpreter.replyStarted { progress.replyStarted = true }
            }
            for output in outputs {
                switch output {
                case .event(let event):
                    do {
                        events += try interpreter.interpret(event)
                    } catch let error as HTTPBackendError {
                        throw AttemptFailure(error: error)
                    }
                case .invalidLine(let line):
                    let what = ServerErrorBody.looksLikeHTML(line) ? "an HTML page" : "a line that is not server-sent events"
                    throw AttemptFailure(error: .malformedStream(url: url, detail: "\(what): \(line)"))
                }
            }
        }

        do {
            reading: for try await event in HTTPStreamTransport.stream(urlRequest, idleTimeout: endpoint.idleTimeout) {
                switch event {
                case .response(let code, let received):
                    status = code
                    headers = received
                    // Trust the content type over what was asked for: a server may ignore
                    // `stream: true` (one JSON document) or stream when not asked to.
                    let type = received["content-type"]?.lowercased() ?? ""
                    if type.contains("text/event-stream") {
                        wholeBody = false
                    } else if type.contains("json") {
                        wholeBody = true
                    }
                case .bytes(let data):
                    if status >= 400 {
                        // The message is at the start; leaving the loop closes the connection.
                        if !body.append(data) { break reading }
                    } else if wholeBody {
                        if body.limit != Self.wholeBodyLimit(maxReplyBytes: request.sampling.maxReplyBytes) {
                            body = BodyCollector(limit: Self.wholeBodyLimit(maxReplyBytes: request.sampling.maxReplyBytes), data: body.data)
                        }
                        if !body.append(data) {
                            throw AttemptFailure(error: .bodyTooLarge(url: url, what: "a reply", limit: body.limit))
                        }
                    } else {
                        try deliver(decoder.feed(data))
                        if delivered > request.sampling.maxReplyBytes { break reading }
                    }
                }
            }
        } catch let failure as AttemptFailure {
            throw failure
        } catch {
            throw AttemptFailure(error: try transportFailure(error, url: url, context: context, replyStarted: progress.replyStarted))
        }
        try Task.checkCancellation()
        if delivered > request.sampling.maxReplyBytes { return }
        if status >= 400 {
            throw AttemptFailure(
                error: ErrorClassifier.classify(status: status, headers: headers, body: body.data, context: context),
                status: status, retryAfter: RetryAfter.delay(from: headers))
        }
        if wholeBody, body.data.starts(with: Data("data:".utf8)) {
            // Server-sent events under a JSON content type.
            try deliver(decoder.feed(body.data))
            try deliver(decoder.finish())
        } else if wholeBody {
            guard let object = (try? JSONSerialization.jsonObject(with: body.data)) as? [String: Any] else {
                let server = ServerErrorBody.parse(body.data)
                let what = server.isHTML ? "an HTML page" : "a body that is not JSON"
                throw AttemptFailure(error: .malformedStream(url: url, detail: "\(what): \(server.message)"))
            }
            do {
                for event in try interpreter.interpret(completion: object) { continuation.yield(event) }
            } catch let error as HTTPBackendError {
                throw AttemptFailure(error: error)
            }
        } else {
            try deliver(decoder.finish())
        }
        if !interpreter.replyStarted && decoder.ignoredLineCount > 0 {
            throw AttemptFailure(error: .malformedStream(url: url, detail: "a body that is not server-sent events"))
        }
        let end = interpreter.endReason()
        if end == .truncated && !interpreter.replyStarted {
            // Cut off before any of the reply: a dropped connection, which may be retried.
            throw AttemptFailure(error: .connectionDropped(url: url, partialReplyKept: false))
        }
        for event in interpreter.finishEvents() { continuation.yield(event) }
        continuation.yield(.finish(end))
    }

    // MARK: - Models, keys, deadlines

    private func fetchModels(key: String?) async throws -> [String] {
        let url = OpenAIEndpoint.display(endpoint.modelsURL)
        guard let answer = try await waitForModels(key: key) else {
            throw HTTPBackendError.idleTimeout(url: url, seconds: endpoint.idleTimeout)
        }
        if answer.status >= 400 {
            let context = errorContext(url: url, model: endpoint.model ?? "", key: key)
            let error = ErrorClassifier.classify(status: answer.status, headers: answer.headers, body: answer.body, context: context)
            if case .modelNotFound = error { throw HTTPBackendError.notFound(url: url) }
            throw error
        }
        guard let names = OpenAIRequestBuilder.modelNames(fromModelsBody: answer.body) else {
            throw HTTPBackendError.malformedStream(url: url, detail: "a /models answer without a model list")
        }
        return names
    }

    /// Asks for `/models` under the endpoint's probe schedule until the server answers, or the idle
    /// timeout passes (nil): a listing is itself the first request on a new connection, and waiting
    /// on one request would cost a core for as long (see `ProbeSchedule`).
    private func waitForModels(key: String?, waiting: (Int, Double) -> Void = { _, _ in }) async throws -> ModelsAnswer? {
        try await endpoint.probeSchedule.run(
            limit: endpoint.idleTimeout, probe: { window in try await modelsExchange(key: key, window: window) },
            waiting: waiting)
    }

    /// One `/models` request; nil when no answer began within `window` seconds.
    private func modelsExchange(key: String?, window: Double) async throws -> ModelsAnswer? {
        let url = OpenAIEndpoint.display(endpoint.modelsURL)
        let context = errorContext(url: url, model: endpoint.model ?? "", key: key)
        var answer = WholeAnswerReader(limit: Self.maxModelsBodyBytes, url: url, what: "a model list")
        do {
            for try await event in HTTPStreamTransport.stream(
                OpenAIRequestBuilder.modelsRequest(endpoint: endpoint, key: key), idleTimeout: endpoint.idleTimeout,
                answerWindow: window) {
                if try !answer.take(event) { break }
            }
        } catch is TransportNoAnswer {
            return nil
        } catch is TransportIdleTimeout where answer.status == 0 {
            // A window as long as the idle timeout: whichever watch fired first, nothing answered.
            return nil
        } catch {
            throw try transportFailure(error, url: url, context: context, replyStarted: false)
        }
        return ModelsAnswer(status: answer.status, headers: answer.headers, body: answer.data)
    }

    /// What a failure of the transport means for the user. A cancelled request rethrows the
    /// cancellation instead.
    private func transportFailure(
        _ error: Error, url: String, context: ErrorClassifier.Context, replyStarted: Bool
    ) throws -> HTTPBackendError {
        try HTTPBackendError.transportFailure(
            error, url: url, host: endpoint.baseURL.host ?? "", context: context, replyStarted: replyStarted,
            idleTimeout: endpoint.idleTimeout)
    }

    /// Adds what `/models` offers to a not-found error; a 404 whose `/models` works means the
    /// model name is wrong, not the URL.
    private func withAvailableModels(_ error: HTTPBackendError, key: String?) async -> HTTPBackendError {
        guard let models = try? await fetchModels(key: key) else { return error }
        let model = endpoint.model ?? cache.model ?? ""
        return .modelNotFound(model: model, url: OpenAIEndpoint.display(endpoint.chatCompletionsURL), available: models)
    }

    private func resolveKey() throws -> String? {
        if let resolved = cache.key { return resolved.value }
        let key = try keyResolver.resolve(endpoint.apiKey)
        cache.key = ResolvedValues.Key(value: key)
        return key
    }

    private func resolveModel(key: String?) async throws -> String {
        if let model = endpoint.model { return model }
        if let model = cache.model { return model }
        guard let first = try await fetchModels(key: key).first else {
            throw HTTPBackendError.noModels(url: OpenAIEndpoint.display(endpoint.modelsURL))
        }
        cache.model = first
        return first
    }

    private func errorContext(url: String, model: String, key: String?) -> ErrorClassifier.Context {
        ErrorClassifier.Context(
            url: url, model: model,
            keySource: key == nil ? endpoint.apiKey.missingKeyAdvice : endpoint.apiKey.sentKeyDescription,
            keyWasSent: key != nil, secret: key)
    }

    /// Runs `body`, failing with `deadlineExceeded` when the endpoint's deadline passes first.
    private func withDeadline<T: Sendable>(url: URL, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let deadline = endpoint.deadline
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int((deadline * 1000).rounded())))
                throw HTTPBackendError.deadlineExceeded(url: OpenAIEndpoint.display(url), seconds: deadline)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw CancellationError() }
            return value
        }
    }
}

/// What one `/models` request got back: status, headers (names lowercased) and the body up to its cap.
private struct ModelsAnswer {
    var status: Int
    var headers: [String: String]
    var body: Data

    /// The server closes the connection after this answer, so the next request opens a new one.
    var closesConnection: Bool { headers["connection"]?.lowercased().contains("close") ?? false }
}

/// A failed attempt, with what the retry policy needs besides the error.
struct AttemptFailure: Error {
    var error: HTTPBackendError
    var status: Int?
    var retryAfter: Double?
}

/// Whether any of the reply reached the consumer; shared across the attempts of one reply.
private final class ReplyProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var started = false
    var replyStarted: Bool {
        get { lock.withLock { started } }
        set { lock.withLock { started = newValue } }
    }
}

/// What one backend learns once and keeps: the key (so a key command runs once, not per reply),
/// the model, and whether the server streams. Reflection shows none of it, so `dump` of a
/// backend cannot reveal the key.
private final class ResolvedValues: @unchecked Sendable, CustomReflectable {
    struct Key: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        var value: String?
        var description: String { value == nil ? "no key" : "<redacted key>" }
        var debugDescription: String { description }
        var customMirror: Mirror { Mirror(self, children: [:]) }
    }
    var customMirror: Mirror { Mirror(self, children: [:]) }
    private let lock = NSLock()
    private var storedKey: Key?
    private var storedModel: String?
    private var storedRefusesStreaming = false
    private var storedRefusesStreamOptions = false
    private var storedRefusesResponseFormat = false
    var key: Key? {
        get { lock.withLock { storedKey } }
        set { lock.withLock { storedKey = newValue } }
    }
    var model: String? {
        get { lock.withLock { storedModel } }
        set { lock.withLock { storedModel = newValue } }
    }
    /// The server said no to `stream_options` once; later requests leave it out.
    var refusesStreamOptions: Bool {
        get { lock.withLock { storedRefusesStreamOptions } }
        set { lock.withLock { storedRefusesStreamOptions = newValue } }
    }
    /// The server said no to `response_format` once; later requests leave it out.
    var refusesResponseFormat: Bool {
        get { lock.withLock { storedRefusesResponseFormat } }
        set { lock.withLock { storedRefusesResponseFormat = newValue } }
    }
    /// The server said no to `stream: true` once; later replies do not ask again.
    var refusesStreaming: Bool {
        get { lock.withLock { storedRefusesStreaming } }
        set { lock.withLock { storedRefusesStreaming = newValue } }
    }
}
