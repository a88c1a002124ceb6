import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// One test per network fault of the reliability list, each against a scripted `FaultServer`.
@Suite(.timeLimit(.minutes(1)))
struct OpenAIBackendFaultTests {
    private func expectNoKey(in outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        if let error = outcome.error {
            #expect(!oneLineDescription(of: error).contains(testKey), sourceLocation: sourceLocation)
            #expect(!String(describing: error).contains(testKey), sourceLocation: sourceLocation)
        }
    }

    // MARK: Connection

    @Test func connectionRefused() async throws {
        let server = try FaultServer()
        let url = server.baseURL
        server.stop()
        let outcome = await collect(makeBackend(server, baseURL: url))
        #expect(outcome.httpError == .connectionRefused(url: url.absoluteString + "/chat/completions"))
        #expect(outcome.httpError?.description.contains("connection refused") == true)
    }

    @Test func unknownHost() async throws {
        let server = try FaultServer()
        let outcome = await collect(makeBackend(server, baseURL: URL(string: "http://no-such-host.invalid/v1")!))
        #expect(outcome.httpError == .unknownHost(host: "no-such-host.invalid"))
    }

    @Test func tlsToAPlainHTTPServerFails() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["x"]))
        let outcome = await collect(makeBackend(server, baseURL: URL(string: "https://127.0.0.1:\(server.port)/v1")!))
        guard case .tlsFailure(let host, _) = outcome.httpError else {
            Issue.record("expected tlsFailure, got \(String(describing: outcome.error))")
            return
        }
        #expect(host == "127.0.0.1")
    }

    // MARK: Authorisation

    @Test func unauthorizedNamesTheVariableNotTheKey() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 401, message: "Incorrect API key provided: \(testKey)", code: "invalid_api_key"))
        let outcome = await collect(makeBackend(server))
        let error = try #require(outcome.httpError)
        #expect(error.description == "401 Unauthorized from \(server.baseURL.absoluteString)/chat/completions: the key in TEST_API_KEY was rejected; check the key or set a valid one")
        expectNoKey(in: outcome)
        #expect(server.requests.count == 1)
    }

    @Test func forbiddenWithoutAKeySaysWhichVariableIsUnset() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 403, message: "no key"))
        let outcome = await collect(makeBackend(server, environment: [:]))
        #expect(outcome.httpError?.description.contains("the environment variable TEST_API_KEY is not set") == true)
    }

    @Test func aServerEchoingTheKeyInAnErrorIsMasked() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 400, message: "bad header Bearer \(testKey)"))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.httpError?.description.contains("Bearer ***") == true)
        expectNoKey(in: outcome)
    }

    // MARK: Not found

    @Test func modelNotFoundListsWhatTheServerOffers() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 404, message: "The model `test-model` does not exist", code: "model_not_found"))
        server.route("GET", "/v1/models", .models(["llama-3", "qwen-2"]))
        let outcome = await collect(makeBackend(server))
        let error = try #require(outcome.httpError)
        #expect(error == .modelNotFound(model: "test-model", url: server.baseURL.absoluteString + "/chat/completions", available: ["llama-3", "qwen-2"]))
        #expect(error.description.contains("the server offers: llama-3, qwen-2"))
    }

    @Test func aWrongBaseURLIsNotFound() async throws {
        let server = try FaultServer()  // nothing routed: every path is a 404
        let outcome = await collect(makeBackend(server))
        guard case .notFound = outcome.httpError else {
            Issue.record("expected notFound, got \(String(describing: outcome.error))")
            return
        }
        #expect(outcome.httpError?.description.contains("check the base URL") == true)
    }

    // MARK: Rate limits

    @Test func rateLimitWithRetryAfterMsIsHonouredThenSucceeds() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 429, message: "Rate limit reached", headers: [("retry-after-ms", "50"), ("Retry-After", "1")]),
            .openAIStream(pieces: ["after wait"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "after wait")
        #expect(outcome.notices == ["retrying in 50 ms after 429 Too Many Requests (retry 1 of 3)"])
        #expect(server.requests.count == 2)
    }

    @Test func rateLimitWithRetryAfterSecondsAndDate() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 429, message: "slow down", headers: [("Retry-After", "0")]),
            .openAIError(status: 429, message: "slow down", headers: [("Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT")]),
            .openAIStream(pieces: ["ok"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.text == "ok")
        #expect(outcome.notices.count == 2)
        #expect(outcome.notices.allSatisfy { $0.hasPrefix("retrying in 0 ms after 429") })
    }

    @Test func rateLimitRetriesAreBounded() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 429, message: "busy", headers: [("retry-after-ms", "1")]))
        let outcome = await collect(makeBackend(server, maxRetries: 2))
        #expect(outcome.httpError == .rateLimited(url: server.baseURL.absoluteString + "/chat/completions", retryAfter: 0.001, message: "busy"))
        #expect(server.requests.count == 3)
        #expect(outcome.notices.count == 2)
    }

    @Test func insufficientQuotaIsNotRetried() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 429, message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota", headers: [("Retry-After", "1")]))
        let outcome = await collect(makeBackend(server))
        guard case .quotaExhausted = outcome.httpError else {
            Issue.record("expected quotaExhausted, got \(String(describing: outcome.error))")
            return
        }
        #expect(server.requests.count == 1)
    }

    @Test func aRetryAfterBeyondTwoMinutesIsNotWaitedFor() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 429, message: "later", headers: [("Retry-After", "300")]))
        let outcome = await collect(makeBackend(server))
        let error = try #require(outcome.httpError)
        #expect(error.description.contains("the server asks to wait 5 min"))
        #expect(server.requests.count == 1)
        #expect(outcome.notices.isEmpty)
    }

    @Test func cancellingDuringARetryWaitStopsAtOnce() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 429, message: "wait", headers: [("Retry-After", "60")]), .openAIStream(pieces: ["no"]))
        let backend = makeBackend(server)
        let task = Task { await collect(backend) }
        #expect(await server.waitForRequests(1))
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        task.cancel()
        let outcome = await task.value
        // Not a speed check: without cancellation the wait alone would last 60 s.
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(outcome.text == "")
        #expect(server.requests.count == 1)
    }

    // MARK: Server errors and dropped connections

    @Test func serviceUnavailableBeforeTheFirstTokenIsRetried() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIError(status: 503, message: "loading model"),
            .openAIStream(pieces: ["ready"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "ready")
        #expect(outcome.notices == ["retrying in 10 ms after 503 Service Unavailable (retry 1 of 3)"])
        #expect(server.requests.count == 2)
    }

    @Test func aServerErrorWithRetryAfterWaitsAsAsked() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIError(status: 503, message: "busy", headers: [("Retry-After", "0")]),
            .openAIStream(pieces: ["ok"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.text == "ok")
        #expect(outcome.notices == ["retrying in 0 ms after 503 Service Unavailable (retry 1 of 3)"])
    }

    @Test func serverErrorsGiveUpAfterTheRetries() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .body("<html><title>502 Bad Gateway</title></html>", status: 502, contentType: "text/html"))
        let outcome = await collect(makeBackend(server, maxRetries: 2))
        #expect(outcome.httpError == .serverError(status: 502, url: server.baseURL.absoluteString + "/chat/completions", message: "502 Bad Gateway"))
        #expect(server.requests.count == 3)
    }

    @Test func aConnectionDroppedBeforeTheFirstTokenIsRetried() async throws {
        let server = try FaultServer()
        let dropped = FaultResponse.sse(
            [FaultResponse.openAIStreamEvents(pieces: [])[0]], framing: .chunked, ending: .drop)
        server.route("POST", "/v1/chat/completions", dropped, .openAIStream(pieces: ["second try"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "second try")
        #expect(outcome.notices.count == 1, "\(outcome.notices) \(server.requests.map(\.path))")
        #expect(server.requests.count == 2)
    }

    @Test func aConnectionClosedCleanlyBeforeAnyTextIsRetried() async throws {
        let server = try FaultServer()
        let cut = FaultResponse.openAIStream(pieces: [], finishReason: nil, usage: nil, done: false, framing: .untilClose)
        server.route("POST", "/v1/chat/completions", cut, cut, .openAIStream(pieces: ["third time"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "third time")
        #expect(outcome.notices == [
            "retrying in 10 ms after a dropped connection (retry 1 of 3)", "retrying in 20 ms after a dropped connection (retry 2 of 3)",
        ])
    }

    @Test func aConnectionDroppedAfterTheFirstTokenKeepsThePartialAndIsNotRetried() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["half ", "a reply"], finishReason: nil, usage: nil, done: false, ending: .drop),
            .openAIStream(pieces: ["must not be fetched"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.text == "half a reply")
        #expect(outcome.httpError == .connectionDropped(url: server.baseURL.absoluteString + "/chat/completions", partialReplyKept: true))
        #expect(outcome.notices.isEmpty)
        #expect(server.requests.count == 1)
    }

    // MARK: Context overflow

    @Test func contextTooLongFromOpenAIIsExplainedAndNotRetried() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 400, message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", type: "invalid_request_error", code: "context_length_exceeded"))
        let outcome = await collect(makeBackend(server))
        guard case .contextTooLong = outcome.httpError else {
            Issue.record("expected contextTooLong, got \(String(describing: outcome.error))")
            return
        }
        #expect(outcome.httpError?.description.contains("start a new conversation") == true)
        #expect(server.requests.count == 1)
    }

    @Test func contextTooLongFromLlamaCppAsA500IsNotRetried() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .json(#"{"error":{"code":500,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":4100,"n_ctx":4096}}"#, status: 500))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.httpError == .contextTooLong(
            url: server.baseURL.absoluteString + "/chat/completions", promptTokens: 4100, contextSize: 4096,
            message: "the request exceeds the available context size, try increasing it"))
        #expect(server.requests.count == 1)
    }

    @Test func contextTooLongInsideAStream() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .sse([#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#]))
        let outcome = await collect(makeBackend(server))
        guard case .contextTooLong = outcome.httpError else {
            Issue.record("expected contextTooLong, got \(String(describing: outcome.error))")
            return
        }
        #expect(server.requests.count == 1)
    }

    // MARK: Timeouts

    @Test func aServerThatNeverAnswersHitsTheIdleTimeout() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .silent)
        let outcome = await collect(makeBackend(server, idleTimeout: 0.5, maxRetries: 0))
        #expect(outcome.httpError == .idleTimeout(url: server.baseURL.absoluteString + "/chat/completions", seconds: 0.5))
        #expect(outcome.httpError?.description.contains("sent nothing for 500 ms") == true)
    }

    @Test func aStreamThatStallsHitsTheIdleTimeoutAndKeepsThePartial() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["so far"], finishReason: nil, usage: nil, done: false, ending: .hang))
        // 2 s, not 0.5: at load 13 the server's thread did not get to answer within 0.5 s, and the
        // timeout then fired before the first piece.
        let outcome = await collect(makeBackend(server, idleTimeout: 2))
        #expect(outcome.text == "so far")
        guard case .idleTimeout = outcome.httpError else {
            Issue.record("expected idleTimeout, got \(String(describing: outcome.error))")
            return
        }
        #expect(server.requests.count == 1)
    }

    @Test func keepAliveCommentsKeepASlowStreamAlive() async throws {
        let server = try FaultServer()
        let events = FaultResponse.openAIStreamEvents(pieces: ["slow", " but alive"])
        var steps: [FaultResponse.Step] = []
        for (index, event) in events.enumerated() {
            if index == 1 {
                // 2.5 s of silence but for keep-alives, with an idle timeout of 1.2 s.
                for _ in 0..<10 {
                    steps.append(.pause(0.25))
                    steps.append(.send(Array(": ping\n\n".utf8)))
                }
            }
            steps.append(.send(Array("data: \(event)\n\n".utf8)))
        }
        server.route("POST", "/v1/chat/completions", FaultResponse(headers: [("Content-Type", "text/event-stream")], steps: steps, framing: .chunked))
        let outcome = await collect(makeBackend(server, idleTimeout: 1.2))
        #expect(outcome.error == nil)
        #expect(outcome.text == "slow but alive")
        #expect(outcome.finish == .stop)
    }

    @Test func theOverallDeadlineStopsAnEndlessTrickle() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: Array(repeating: "drip ", count: 40), delay: 0.1))
        let outcome = await collect(makeBackend(server, idleTimeout: 5, deadline: 1))
        #expect(outcome.httpError == .deadlineExceeded(url: server.baseURL.absoluteString + "/chat/completions", seconds: 1))
        #expect(outcome.text.hasPrefix("drip "))
        // The deadline's cancellation closes the connection: the server sees the client leave.
        #expect(await server.waitForDisconnects(1))
    }

    // MARK: Cancellation

    @Test func cancellingStopsPromptlyAndTheServerSeesTheDisconnect() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: Array(repeating: "tick ", count: 100), delay: 0.2))
        let backend = makeBackend(server)
        let firstText = AsyncStream<Void>.makeStream()
        let task = Task {
            var received = ""
            do {
                for try await event in backend.reply(to: ChatRequest(messages: [ChatMessage(role: .user, content: "Hi")])) {
                    if case .text(let text) = event {
                        received += text
                        firstText.continuation.yield()
                    }
                }
            } catch {}
            return received
        }
        var iterator = firstText.stream.makeAsyncIterator()
        _ = await iterator.next()
        let started = ContinuousClock.now
        task.cancel()
        let received = await task.value
        let elapsed = ContinuousClock.now - started
        // Not a speed check: left alone, the stream would run for another 20 s.
        #expect(elapsed < .seconds(10))
        #expect(received.hasPrefix("tick"))
        #expect(!received.contains(String(repeating: "tick ", count: 100)))
        #expect(await server.waitForDisconnects(1, timeout: 60))
    }

    @Test func cancellingWhileWaitingForTheServerClosesTheConnection() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .silent)
        let backend = makeBackend(server)
        let task = Task { await collect(backend) }
        #expect(await server.waitForRequests(1))
        task.cancel()
        let outcome = await task.value
        #expect(outcome.events.isEmpty)
        #expect(await server.waitForDisconnects(1, timeout: 60))
    }

    // MARK: Redirects

    @Test func aRedirectToAnotherHostDropsTheAuthorizationHeader() async throws {
        let origin = try FaultServer()
        let elsewhere = try FaultServer()
        origin.route("POST", "/v1/chat/completions", .redirect(to: elsewhere.url("/v1/chat/completions", host: "localhost").absoluteString))
        elsewhere.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["moved"]))
        let outcome = await collect(makeBackend(origin))
        #expect(outcome.error == nil)
        #expect(outcome.text == "moved")
        #expect(origin.requests.first?.header("Authorization") == "Bearer \(testKey)")
        #expect(origin.requests.count == 1)
        let redirected = try #require(elsewhere.requests.first)
        #expect(redirected.header("Authorization") == nil)
        #expect(redirected.jsonBody?["model"] as? String == "test-model")
    }

    @Test func aRedirectOnTheSameOriginKeepsTheAuthorizationHeader() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .redirect(to: server.url("/v2/models").absoluteString))
        server.route("GET", "/v2/models", .models(["m"]))
        #expect(try await makeBackend(server).listModels() == ["m"])
        #expect(server.requests(to: "/v2/models").first?.header("Authorization") == "Bearer \(testKey)")
    }

    @Test func theBackendIsUsableAgainAfterAFailure() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 400, message: "bad"), .openAIStream(pieces: ["fine"]))
        let backend = makeBackend(server)
        #expect(await collect(backend).error != nil)
        #expect(await collect(backend).text == "fine")
    }
}
