import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTestSupport
import Testing

/// A JSON schema goes to servers as OpenAI's `response_format`; servers without structured output
/// are asked again without it; a grammar never leaves the machine.
@Suite struct StructuredOutputRequestTests {
    /// Property order matters to what a server generates first, so this schema's keys are not sorted.
    static let schema = """
        {"type": "object", "properties": {"reason": {"type": "string"}, "score": {"type": "integer"}}, "required": ["reason", "score"]}
        """

    static func request(_ format: ResponseFormat?) -> ChatRequest {
        ChatRequest(messages: [ChatMessage(role: .user, content: "Rate it")], format: format)
    }

    @Test func theSchemaGoesOutAsResponseFormatWithItsKeyOrderKept() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["{\"reason\":\"ok\",\"score\":3}"], usage: nil))
        let outcome = await collect(makeBackend(server), Self.request(.jsonSchema(name: "rating", schema: Self.schema)))
        #expect(outcome.error == nil)
        let sent = try #require(server.requests.last)
        let body = try #require(sent.jsonBody)
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        let jsonSchema = try #require(format["json_schema"] as? [String: Any])
        #expect(jsonSchema["name"] as? String == "rating")
        #expect(jsonSchema["strict"] as? Bool == true)
        let schema = try #require(jsonSchema["schema"] as? [String: Any])
        #expect(schema["required"] as? [String] == ["reason", "score"])
        // The raw bytes keep "reason" before "score", as the user wrote them.
        let text = String(decoding: sent.body, as: UTF8.self)
        let reason = try #require(text.range(of: "\"reason\": {"))
        let score = try #require(text.range(of: "\"score\": {"))
        #expect(reason.lowerBound < score.lowerBound)
        // The rest of the body is still the usual request.
        #expect(body["model"] as? String == "test-model")
        #expect(body["stream"] as? Bool == true)
    }

    @Test func noFormatSendsNoResponseFormat() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["hi"], usage: nil))
        _ = await collect(makeBackend(server), Self.request(nil))
        let body = try #require(server.requests.last?.jsonBody)
        #expect(body["response_format"] == nil)
    }

    @Test func aServerThatRejectsTheSchemaIsAskedAgainWithoutItAndSaysSoOnce() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 400, message: "Unknown field: response_format.json_schema"),
            .openAIStream(pieces: ["{\"reason\":\"fine\",\"score\":4}"], usage: nil))
        let backend = makeBackend(server)
        let first = await collect(backend, Self.request(.jsonSchema(name: "rating", schema: Self.schema)))
        #expect(first.error == nil)
        #expect(first.text == "{\"reason\":\"fine\",\"score\":4}")
        #expect(first.notices.count == 1)
        #expect(first.notices.first?.contains("checks the reply against the schema") == true)
        let second = await collect(backend, Self.request(.jsonSchema(name: "rating", schema: Self.schema)))
        #expect(second.error == nil)
        #expect(second.notices.isEmpty)
        let bodies = server.requests.compactMap { $0.jsonBody }
        #expect(bodies.map { $0["response_format"] != nil } == [true, false, false])
    }

    @Test func anOrdinaryBadRequestIsNotTakenForARefusedSchema() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 400, message: "temperature must be at most 2"))
        let outcome = await collect(makeBackend(server), Self.request(.jsonSchema(name: "rating", schema: Self.schema)))
        guard case .requestRejected = outcome.httpError else {
            Issue.record("expected requestRejected, got \(String(describing: outcome.error))")
            return
        }
        #expect(server.requests.filter { $0.path.hasSuffix("/chat/completions") }.count == 1)
    }

    @Test func aGrammarIsRefusedBeforeAnythingIsSent() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["never"], usage: nil))
        let outcome = await collect(makeBackend(server), Self.request(.grammar("root ::= \"yes\" | \"no\"")))
        guard case .grammarUnsupported = outcome.httpError else {
            Issue.record("expected grammarUnsupported, got \(String(describing: outcome.error))")
            return
        }
        #expect(outcome.httpError?.description.contains("only with the local backend") == true)
        #expect(server.requests.isEmpty)
    }

    @Test func theSchemaNameIsMadeSafeForServers() {
        #expect(ResponseFormat.schemaName(from: "decide-scores_v2") == "decide-scores_v2")
        #expect(ResponseFormat.schemaName(from: "my schema.json") == "my_schema_json")
        #expect(ResponseFormat.schemaName(from: "日本") == "reply")
        #expect(ResponseFormat.schemaName(from: String(repeating: "a", count: 100)).count == 64)
    }

    @Test func aSchemaThatIsNotAnObjectIsRefusedBeforeSending() {
        #expect(throws: HTTPBackendError.invalidSchema) {
            try OpenAIRequestBuilder.responseFormatField(.jsonSchema(name: "x", schema: "[1, 2]"))
        }
        #expect(throws: HTTPBackendError.invalidSchema) {
            try OpenAIRequestBuilder.responseFormatField(.jsonSchema(name: "x", schema: "{not json"))
        }
    }
}
