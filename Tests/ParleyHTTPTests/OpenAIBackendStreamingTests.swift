import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

@Suite(.timeLimit(.minutes(1)))
struct OpenAIBackendStreamingTests {
    @Test func streamsTheReplyAndSendsTheRequestOpenAIExpects() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Hel", "lo", " 世界"]))
        let request = ChatRequest(
            messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi")],
            sampling: SamplingOptions(temperature: 0.5, topP: 0.9, maxTokens: 64, seed: 7, stop: ["END"]))
        let outcome = await collect(makeBackend(server), request)
        #expect(outcome.error == nil)
        #expect(outcome.events == [
            .text("Hel"), .text("lo"), .text(" 世界"), .usage(TokenUsage(promptTokens: 5, completionTokens: 2)), .finish(.stop),
        ])
        let sent = try #require(server.requests(to: "/v1/chat/completions").first)
        #expect(sent.method == "POST")
        #expect(sent.header("Authorization") == "Bearer \(testKey)")
        #expect(sent.header("Content-Type") == "application/json")
        let body = try #require(sent.jsonBody)
        #expect(body["model"] as? String == "test-model")
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(body["temperature"] as? Double == 0.5)
        #expect(body["top_p"] as? Double == 0.9)
        #expect(body["max_tokens"] as? Int == 64)
        #expect(body["seed"] as? Int == 7)
        #expect(body["stop"] as? [String] == ["END"])
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"]])
    }

    @Test func replaysARecordedLlamaCppStreamOneByteAtATime() async throws {
        // The shape llama.cpp's server sends: CRLF-free, reasoning_content, timings, no usage chunk.
        let recorded = """
            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1,"id":"chatcmpl-x","model":"qwen","object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":"Let me think."}}],"object":"chat.completion.chunk"}

            : keep-alive

            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Bonjour, "}}],"object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"ça va ? 😀"}}],"object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"object":"chat.completion.chunk","timings":{"prompt_n":11,"prompt_ms":20.5,"predicted_n":6,"predicted_ms":80.1}}

            data: [DONE]


            """.replacingOccurrences(of: "\n", with: "\r\n")
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .rawStream(recorded, pieceSize: 1))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.events == [
            .reasoning("Let me think."), .text("Bonjour, "), .text("ça va ? 😀"),
            .usage(TokenUsage(promptTokens: 11, completionTokens: 6)), .finish(.stop),
        ])
    }

    /// The shape OpenAI sends, with CRLF line ends and a proxy's comment lines, and Ollama's
    /// `reasoning` field: replayed in pieces of 1, 2, 3 and 7 bytes.
    @Test(arguments: [1, 2, 3, 7])
    func replaysRecordedOpenAIAndOllamaStreams(pieceSize: Int) async throws {
        let openAI = """
            : OPENROUTER PROCESSING

            data: {"id":"chatcmpl-A","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-A","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-A","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" there — ✓"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-A","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"id":"chatcmpl-A","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}

            data: [DONE]


            """.replacingOccurrences(of: "\n", with: "\r\n")
        let ollama = """
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Thinking"},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Done."},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"length"}]}

            data: [DONE]


            """
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .rawStream(openAI, pieceSize: pieceSize), .rawStream(ollama, pieceSize: pieceSize))
        let backend = makeBackend(server)
        #expect(await collect(backend).events == [
            .text("Hi"), .text(" there — ✓"), .usage(TokenUsage(promptTokens: 9, completionTokens: 3)), .finish(.stop),
        ])
        #expect(await collect(backend).events == [.reasoning("Thinking"), .text("Done."), .finish(.length)])
    }

    @Test func theModelCanBeResolvedBeforeTheFirstReply() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .models(["only-model"]))
        let backend = makeBackend(server, model: nil)
        #expect(backend.descriptor.model == "default")
        #expect(try await backend.resolvedModel() == "only-model")
        #expect(backend.descriptor.model == "only-model")
    }

    @Test func aStreamWithoutDoneOrFinishReasonIsTruncated() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["cut"], finishReason: nil, usage: nil, done: false, framing: .untilClose))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "cut")
        #expect(outcome.finish == .truncated)
    }

    @Test func finishReasonLengthIsReported() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["a"], finishReason: "length"))
        #expect(await collect(makeBackend(server)).finish == .length)
    }

    @Test func finishReasonErrorIsReported() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["a"], finishReason: "error", done: false))
        #expect(await collect(makeBackend(server)).finish == .error)
    }

    @Test func anErrorObjectInsideA200StreamKeepsTheTextAndFails() async throws {
        let server = try FaultServer()
        var events = FaultResponse.openAIStreamEvents(pieces: ["partial"], finishReason: nil, usage: nil, done: false)
        events.append(#"{"error":{"message":"the model crashed\u001b[2J","type":"server_error"}}"#)
        server.route("POST", "/v1/chat/completions", .sse(events))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.text == "partial")
        let error = try #require(outcome.httpError)
        guard case .streamError = error else {
            Issue.record("expected streamError, got \(error)")
            return
        }
        #expect(error.description.contains("the model crashed␛[2J"))
        #expect(server.requests.count == 1)
    }

    @Test func anHTMLPageInsteadOfAStreamIsAnError() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .body("<html><head><title>Captive portal</title></head><body>Log in</body></html>\n", status: 200, contentType: "text/html"))
        let outcome = await collect(makeBackend(server))
        guard case .malformedStream = outcome.httpError else {
            Issue.record("expected malformedStream, got \(String(describing: outcome.error))")
            return
        }
        #expect(outcome.events.isEmpty)
    }

    @Test func aNonJSONDataLineIsAnError() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .sse(["{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", "oops"]))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.text == "a")
        guard case .malformedStream = outcome.httpError else {
            Issue.record("expected malformedStream, got \(String(describing: outcome.error))")
            return
        }
    }

    @Test func fallsBackToNonStreamingWhenTheServerRefusesToStream() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 400, message: "Streaming is not supported by this deployment"),
            .completion("Hello whole"))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "Hello whole")
        #expect(outcome.notices.count == 1)
        #expect(outcome.finish == .stop)
        let bodies = server.requests.compactMap { $0.jsonBody }
        #expect(bodies.map { $0["stream"] as? Bool } == [true, false])
    }

    @Test func aServerThatRefusedStreamingIsNotAskedAgain() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIError(status: 400, message: "stream not supported"), .completion("one"))
        let backend = makeBackend(server)
        #expect(await collect(backend).text == "one")
        let second = await collect(backend)
        #expect(second.text == "one")
        #expect(second.notices.isEmpty)
        #expect(server.requests.compactMap { $0.jsonBody?["stream"] as? Bool } == [true, false, false])
    }

    @Test func aServerThatRejectsStreamOptionsStillStreams() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 400, message: "Unrecognized request argument supplied: stream_options"),
            .openAIStream(pieces: ["streamed"], usage: nil))
        let backend = makeBackend(server)
        let outcome = await collect(backend)
        #expect(outcome.error == nil)
        #expect(outcome.text == "streamed")
        #expect(outcome.notices.isEmpty)
        _ = await collect(backend)
        let bodies = server.requests.compactMap { $0.jsonBody }
        #expect(bodies.map { $0["stream"] as? Bool } == [true, true, true])
        #expect(bodies.map { $0["stream_options"] != nil } == [true, false, false])
    }

    @Test func aPlainTextBodyIsAnError() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .body("Hello\nWorld\n", status: 200, contentType: "text/plain"))
        let outcome = await collect(makeBackend(server))
        guard case .malformedStream = outcome.httpError else {
            Issue.record("expected malformedStream, got \(String(describing: outcome.error))")
            return
        }
    }

    @Test func eventsUnderAJSONContentTypeAreStillRead() async throws {
        let server = try FaultServer()
        let events = FaultResponse.openAIStreamEvents(pieces: ["mislabelled"]).map { "data: \($0)\n\n" }.joined()
        server.route("POST", "/v1/chat/completions", .body(events, status: 200, contentType: "application/json"))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "mislabelled")
    }

    @Test func aServerThatIgnoresStreamingStillWorks() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .completion("Plain JSON"))
        let outcome = await collect(makeBackend(server))
        #expect(outcome.error == nil)
        #expect(outcome.text == "Plain JSON")
        #expect(outcome.finish == .stop)
    }

    @Test func withoutAModelTheFirstOfModelsIsUsed() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .models(["first-model", "second-model"]))
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["ok"]))
        let backend = makeBackend(server, model: nil)
        let outcome = await collect(backend)
        #expect(outcome.text == "ok")
        #expect(server.requests(to: "/v1/chat/completions").first?.jsonBody?["model"] as? String == "first-model")
        #expect(backend.descriptor.model == "first-model")
        _ = await collect(backend)
        #expect(server.requests(to: "/v1/models").count == 1)
    }

    @Test func listsModels() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .models(["a", "b", "c"]))
        #expect(try await makeBackend(server).listModels() == ["a", "b", "c"])
        #expect(server.requests.first?.header("Authorization") == "Bearer \(testKey)")
    }

    @Test func theKeyCanComeFromACommand() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .models(["a"]))
        let backend = makeBackend(server, apiKey: .command("printf 'sk-from-command\\nsecond line\\n'"), environment: [:])
        _ = try await backend.listModels()
        #expect(server.requests.first?.header("Authorization") == "Bearer sk-from-command")
    }

    @Test func aFailingKeyCommandNamesItsExitStatusNotItsOutput() async throws {
        let server = try FaultServer()
        let backend = makeBackend(server, apiKey: .command("echo leaked-output; exit 3"), environment: [:])
        let outcome = await collect(backend)
        let error = try #require(outcome.httpError)
        #expect(error == .apiKeyCommandFailed(command: "echo leaked-output; exit 3", status: 3))
        #expect(error.description.contains("exit status 3"))
        #expect(server.requests.isEmpty)
    }

    @Test func repliesCanRunConcurrentlyOnOneBackend() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["a", "b", "c"], delay: 0.02))
        let backend = makeBackend(server)
        let texts = await withTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { await collect(backend).text } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(texts == ["abc", "abc", "abc", "abc"])
        #expect(server.requests.count == 4)
    }

    @Test func extraHeadersAreSent() async throws {
        let server = try FaultServer()
        server.route("GET", "/v1/models", .models(["a"]))
        let endpoint = OpenAIEndpoint(
            name: "t", baseURL: server.baseURL, apiKey: .none, extraHeaders: ["OpenAI-Organization": "org-1", "X-Proxy": "yes"])
        _ = try await OpenAIBackend(endpoint: endpoint, keyResolver: APIKeyResolver(environment: [:])).listModels()
        let sent = try #require(server.requests.first)
        #expect(sent.header("OpenAI-Organization") == "org-1")
        #expect(sent.header("X-Proxy") == "yes")
        #expect(sent.header("Authorization") == nil)
    }

    @Test func aBaseURLMustBeHTTP() throws {
        #expect(try OpenAIEndpoint.baseURL(from: " http://127.0.0.1:8080/v1 ").absoluteString == "http://127.0.0.1:8080/v1")
        #expect(throws: HTTPBackendError.invalidBaseURL("ftp://x/v1")) { try OpenAIEndpoint.baseURL(from: "ftp://x/v1") }
        #expect(throws: HTTPBackendError.invalidBaseURL("localhost:8080")) { try OpenAIEndpoint.baseURL(from: "localhost:8080") }
        #expect(OpenAIEndpoint.display(URL(string: "https://user:pw@h.example/v1?key=abc")!) == "https://h.example/v1")
    }

    @Test func dumpingTheBackendNeverShowsTheKey() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["x"]))
        let backend = makeBackend(server)
        _ = await collect(backend)
        #expect(server.requests.first?.header("Authorization") == "Bearer \(testKey)")
        var dumped = ""
        dump(backend, to: &dumped)
        #expect(!dumped.isEmpty)
        #expect(!dumped.contains(testKey))
        #expect(!String(describing: backend).contains(testKey))
        #expect(!String(reflecting: backend).contains(testKey))
    }

    @Test func noKeyIsSentWhenTheVariableIsUnset() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["x"]))
        _ = await collect(makeBackend(server, environment: [:]))
        #expect(server.requests.first?.header("Authorization") == nil)
    }
}
