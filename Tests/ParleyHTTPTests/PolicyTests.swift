import Foundation
import ParleyCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@testable import ParleyHTTP

struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT

    @Test func millisecondsWinOverSeconds() {
        #expect(RetryAfter.delay(from: ["retry-after-ms": "1500", "retry-after": "9"], now: now) == 1.5)
    }

    @Test func seconds() {
        #expect(RetryAfter.delay(from: ["retry-after": "7"], now: now) == 7)
        #expect(RetryAfter.delay(from: ["retry-after": " 0.5 "], now: now) == 0.5)
    }

    @Test(arguments: [
        "Tue, 14 Nov 2023 22:13:50 GMT", "Tuesday, 14-Nov-23 22:13:50 GMT", "Tue Nov 14 22:13:50 2023",
    ])
    func httpDates(_ value: String) {
        #expect(RetryAfter.delay(from: ["retry-after": value], now: now) == 30)
    }

    @Test func aDateInThePastMeansNow() {
        #expect(RetryAfter.delay(from: ["retry-after": "Tue, 14 Nov 2023 22:00:00 GMT"], now: now) == 0)
    }

    @Test(arguments: ["soon", "-3", "", "nan"])
    func garbageIsIgnored(_ value: String) {
        #expect(RetryAfter.delay(from: ["retry-after": value], now: now) == nil)
    }
}

struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 3, baseDelay: 1)
    let url = "http://h/v1/chat/completions"

    @Test func serverErrorBeforeTheReplyIsRetriedWithBackoff() {
        let error = HTTPBackendError.serverError(status: 503, url: url, message: "")
        #expect(policy.decide(after: error, status: 503, retryAfter: nil, retriesSoFar: 0, replyStarted: false)
            == .retry(after: 1, notice: "retrying in 1 s after 503 Service Unavailable (retry 1 of 3)"))
        guard case .retry(let after, _) = policy.decide(after: error, status: 503, retryAfter: nil, retriesSoFar: 2, replyStarted: false) else {
            Issue.record("expected a retry")
            return
        }
        #expect(after == 4)
    }

    @Test func neverRetriesOnceTheReplyStarted() {
        let error = HTTPBackendError.connectionDropped(url: url, partialReplyKept: true)
        #expect(policy.decide(after: error, status: nil, retryAfter: nil, retriesSoFar: 0, replyStarted: true) == .fail)
    }

    @Test func retriesAreBounded() {
        let error = HTTPBackendError.serverError(status: 500, url: url, message: "")
        #expect(policy.decide(after: error, status: 500, retryAfter: nil, retriesSoFar: 3, replyStarted: false) == .fail)
    }

    @Test func rateLimitHonoursRetryAfter() {
        let error = HTTPBackendError.rateLimited(url: url, retryAfter: 20, message: "")
        #expect(policy.decide(after: error, status: 429, retryAfter: 20, retriesSoFar: 0, replyStarted: false)
            == .retry(after: 20, notice: "retrying in 20 s after 429 Too Many Requests (retry 1 of 3)"))
    }

    @Test func aRetryAfterBeyondTwoMinutesIsNotWaitedFor() {
        let error = HTTPBackendError.rateLimited(url: url, retryAfter: 121, message: "")
        #expect(policy.decide(after: error, status: 429, retryAfter: 121, retriesSoFar: 0, replyStarted: false) == .fail)
    }

    @Test func aRetryPastTheDeadlineIsNotMade() {
        let error = HTTPBackendError.serverError(status: 502, url: url, message: "")
        #expect(policy.decide(after: error, status: 502, retryAfter: 10, retriesSoFar: 0, replyStarted: false, timeLeft: 5) == .fail)
    }

    @Test(arguments: [
        HTTPBackendError.quotaExhausted(url: "u", message: ""), .contextTooLong(url: "u", promptTokens: nil, contextSize: nil, message: ""),
        .unauthorized(status: 401, url: "u", keySource: "k", keyWasSent: true), .connectionRefused(url: "u"),
        .idleTimeout(url: "u", seconds: 1), .requestRejected(status: 400, url: "u", message: ""),
    ])
    func permanentFailuresAreNotRetried(_ error: HTTPBackendError) {
        #expect(policy.decide(after: error, status: 400, retryAfter: 1, retriesSoFar: 0, replyStarted: false) == .fail)
    }
}

struct ErrorClassifierTests {
    let context = ErrorClassifier.Context(
        url: "http://h/v1/chat/completions", model: "gpt-x", keySource: "the key in OPENAI_API_KEY", keyWasSent: true,
        secret: "sk-secret-123")

    private func classify(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPBackendError {
        ErrorClassifier.classify(status: status, headers: headers, body: Data(body.utf8), context: context)
    }

    @Test func unauthorizedNamesTheVariableNeverTheKey() {
        let error = classify(401, #"{"error":{"message":"Incorrect API key provided: sk-secret-123","code":"invalid_api_key"}}"#)
        #expect(error.description == "401 Unauthorized from http://h/v1/chat/completions: the key in OPENAI_API_KEY was rejected; check the key or set a valid one")
        #expect(classify(403, "").description.hasPrefix("403 Forbidden"))
    }

    @Test func serverTextIsRedactedSanitisedAndShortened() {
        let long = String(repeating: "x", count: 500)
        let error = classify(500, "{\"error\":{\"message\":\"boom \\u001b[31m sk-secret-123 \(long)\"}}")
        let text = error.description
        #expect(!text.contains("sk-secret-123"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.count < 400)
        #expect(text.hasPrefix("500 Internal Server Error from http://h/v1/chat/completions: boom ␛[31m *** xxx"))
    }

    @Test func contextTooLongInAnyDialect() {
        let openAI = classify(400, #"{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#)
        let llama400 = classify(400, #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":9001,"n_ctx":8192}}"#)
        let llama500 = classify(500, #"{"error":{"code":500,"message":"the request exceeds the available context size, try increasing it","type":"server_error"}}"#)
        for error in [openAI, llama400, llama500] {
            guard case .contextTooLong = error else {
                Issue.record("expected contextTooLong, got \(error)")
                continue
            }
            #expect(!error.isTransient)
        }
        #expect(llama400.description.contains("(9001 tokens, the server's context holds 8192)"))
        #expect(llama400.description.contains("set context_size = 8192 in the config"))
        #expect(openAI.description.contains("lower context_size in the config"))
    }

    @Test func rateLimitAndQuota() {
        #expect(classify(429, #"{"error":{"message":"slow down"}}"#, headers: ["retry-after": "3"])
            == .rateLimited(url: context.url, retryAfter: 3, message: "slow down"))
        #expect(classify(429, #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#)
            == .quotaExhausted(url: context.url, message: "You exceeded your current quota"))
    }

    @Test func notFoundVersusModelNotFound() {
        #expect(classify(404, #"{"error":{"message":"The model `gpt-x` does not exist","code":"model_not_found"}}"#)
            == .modelNotFound(model: "gpt-x", url: context.url, available: []))
        #expect(classify(404, #"{"error":"model \"gpt-x\" not found, try pulling it first"}"#)
            == .modelNotFound(model: "gpt-x", url: context.url, available: []))
        #expect(classify(404, "<html><title>404 Not Found</title></html>") == .notFound(url: context.url))
    }

    @Test func streamingRefused() {
        #expect(classify(400, #"{"error":{"message":"stream is not supported"}}"#)
            == .streamingRefused(url: context.url, message: "stream is not supported"))
    }

    @Test func htmlErrorPageQuotesItsTitle() {
        let error = classify(502, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>")
        #expect(error == .serverError(status: 502, url: context.url, message: "502 Bad Gateway"))
    }

    @Test func transportErrors() {
        func map(_ code: Int, started: Bool = false) -> HTTPBackendError {
            ErrorClassifier.classify(urlErrorCode: code, detail: "d", host: "h", context: context, replyStarted: started, idleTimeout: 60)
        }
        #expect(map(-1004) == .connectionRefused(url: context.url))
        #expect(map(-1003) == .unknownHost(host: "h"))
        #expect(map(-1200) == .tlsFailure(host: "h", detail: "d"))
        #expect(map(-1001) == .idleTimeout(url: context.url, seconds: 60))
        #expect(map(-1, started: true) == .connectionDropped(url: context.url, partialReplyKept: true))
        #expect(map(-1005) == .connectionDropped(url: context.url, partialReplyKept: false))
        #expect(ErrorClassifier.classify(
            urlErrorCode: -1, detail: "OpenSSL/3.0: error:0A00010B:SSL routines::wrong version number", host: "h",
            context: context, replyStarted: false, idleTimeout: 60)
            == .tlsFailure(host: "h", detail: "OpenSSL/3.0: error:0A00010B:SSL routines::wrong version number"))
    }

    @Test(arguments: [
        HTTPBackendError.invalidBaseURL("x"), .connectionRefused(url: "u"), .unknownHost(host: "h"), .tlsFailure(host: "h", detail: "d"),
        .network(url: "u", detail: "d\ne"), .unauthorized(status: 401, url: "u", keySource: "k", keyWasSent: false),
        .modelNotFound(model: "m", url: "u", available: ["a", "b"]), .notFound(url: "u"), .rateLimited(url: "u", retryAfter: 200, message: "m"),
        .quotaExhausted(url: "u", message: "m"), .contextTooLong(url: "u", promptTokens: 1, contextSize: 2, message: ""),
        .serverError(status: 599, url: "u", message: "a\nb"), .streamingRefused(url: "u", message: "m"),
        .requestRejected(status: 422, url: "u", message: "m"), .streamError(url: "u", message: "m"), .malformedStream(url: "u", detail: "d"),
        .idleTimeout(url: "u", seconds: 0.25), .deadlineExceeded(url: "u", seconds: 600), .connectionDropped(url: "u", partialReplyKept: true),
        .apiKeyMissing(variable: "V"), .apiKeyCommandFailed(command: "pass x", status: 1), .apiKeyCommandEmpty(command: "c"), .noModels(url: "u"),
    ])
    func everyMessageIsOneLine(_ error: HTTPBackendError) {
        #expect(!error.description.contains("\n"))
        #expect(!error.description.isEmpty)
        #expect(oneLineDescription(of: error) == error.description)
    }
}

struct RedirectPolicyTests {
    private func post(_ url: String, key: Bool = true) -> URLRequest {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data("{}".utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if key { request.setValue("Bearer k", forHTTPHeaderField: "Authorization") }
        return request
    }

    @Test func sameOriginKeepsEverything() throws {
        let original = post("http://a:8080/v1/chat/completions")
        let next = try #require(RedirectPolicy.follow(status: 307, location: "/v2/chat/completions", from: original, original: original))
        #expect(next.url?.absoluteString == "http://a:8080/v2/chat/completions")
        #expect(next.httpMethod == "POST")
        #expect(next.httpBody == Data("{}".utf8))
        #expect(next.value(forHTTPHeaderField: "Authorization") == "Bearer k")
    }

    @Test(arguments: ["http://b:8080/x", "http://a:9090/x", "https://a:8080/x", "http://localhost:8080/x"])
    func anotherOriginLosesTheAuthorizationHeader(_ location: String) throws {
        let original = post("http://a:8080/v1/chat/completions")
        let next = try #require(RedirectPolicy.follow(status: 308, location: location, from: original, original: original))
        #expect(next.value(forHTTPHeaderField: "Authorization") == nil)
        #expect(next.httpBody == Data("{}".utf8))
    }

    @Test func seeOtherBecomesAGet() throws {
        let original = post("http://a/v1/x")
        let next = try #require(RedirectPolicy.follow(status: 303, location: "http://a/y", from: original, original: original))
        #expect(next.httpMethod == "GET")
        #expect(next.httpBody == nil)
    }

    @Test func notARedirectOrNowhereToGo() {
        let original = post("http://a/v1/x")
        #expect(RedirectPolicy.follow(status: 200, location: "http://b", from: original, original: original) == nil)
        #expect(RedirectPolicy.follow(status: 302, location: nil, from: original, original: original) == nil)
        #expect(RedirectPolicy.follow(status: 302, location: "file:///etc/passwd", from: original, original: original) == nil)
    }
}
