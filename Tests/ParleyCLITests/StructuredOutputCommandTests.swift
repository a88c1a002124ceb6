import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `--schema` and `--grammar` end to end: the real binary, on the default model and against the
/// fault-injection server.
@Suite("structured output commands", .heavy)
struct StructuredOutputCommandTests {
    static let model = GGUFCommandTests.model
    static let yesNoSchema = #"{"type": "object", "properties": {"answer": {"enum": ["yes", "no"]}, "why": {"type": "string", "maxLength": 40}}, "required": ["answer", "why"], "additionalProperties": false}"#

    func stored(_ runner: ParleyRunner) throws -> [Conversation] {
        try runner.conversationFiles().map { try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0)) }
    }

    func write(_ text: String, named name: String, in runner: ParleyRunner) throws -> String {
        let url = runner.home.url.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func askUnderASchemaPrintsOnlyJSONThatValidatesOnTheLocalModel() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let schema = try write(Self.yesNoSchema, named: "yes-no.json", in: runner)
        let result = try await runner.run(["ask", "--gguf", Self.model, "--schema", schema, "Is water wet?"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(["yes", "no"].contains(object["answer"] as? String))
        #expect(((object["why"] as? String)?.count ?? 99) <= 40)
        #expect(Set(object.keys) == ["answer", "why"])
        // The conversation keeps the reply as it came.
        let reply = try #require(try stored(runner).first?.messages.last)
        #expect(reply.content.trimmingCharacters(in: .whitespacesAndNewlines) == result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func askJSONGivesTheReplyAlreadyParsed() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try await runner.run(["ask", "--json", "--no-save", "--gguf", Self.model, "--schema", Self.yesNoSchema, "Is fire cold?"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let reply = try #require(object["reply"] as? [String: Any])
        #expect(["yes", "no"].contains(reply["answer"] as? String))
        #expect(object["status"] as? String == "complete")
        // The reply's keys stay in the order the model wrote them, which is the schema's.
        let answer = try #require(result.stdout.range(of: "\"answer\""))
        let why = try #require(result.stdout.range(of: "\"why\""))
        #expect(answer.lowerBound < why.lowerBound)
    }

    @Test func aGrammarShapesTheLocalReply() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let grammar = try write("root ::= (\"yes\" | \"no\") \".\"\n", named: "yes-no.gbnf", in: runner)
        let result = try await runner.run(["ask", "--no-save", "--gguf", Self.model, "--grammar", grammar, "Is the sun hot?"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(["yes.\n", "no.\n"].contains(result.stdout))
    }

    @Test func generateTakesASchemaAndAGrammar() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let prompt = "<|im_start|>user\nIs water wet?<|im_end|>\n<|im_start|>assistant\n"
        let schema = try await runner.run(["gguf", "generate", Self.model, "--prompt", prompt, "--tokens", "80", "--schema", Self.yesNoSchema])
        #expect(schema.status == 0, "\(schema.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(schema.stdout.utf8)) as? [String: Any])
        #expect(["yes", "no"].contains(object["answer"] as? String))
        let grammar = try write("root ::= [0-9]{3}\n", named: "digits.gbnf", in: runner)
        let digits = try await runner.run(["gguf", "generate", Self.model, "--prompt", prompt, "--grammar", grammar])
        #expect(digits.status == 0, "\(digits.stderr)")
        let number = digits.stdout.trimmingCharacters(in: .newlines)
        #expect(number.count == 3 && number.allSatisfy { $0.isNumber }, "\(number)")
    }

    @Test func badSchemasAndGrammarsAreOneLineErrorsAndNothingIsStored() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let unsupported = try write(#"{"type": "object", "patternProperties": {"^x": {"type": "string"}}}"#, named: "pp.json", in: runner)
        let notJSON = try write("{\"type\": ", named: "broken.json", in: runner)
        let badGrammar = try write("root ::= missing\n", named: "bad.gbnf", in: runner)
        let cases: [([String], String)] = [
            (["--schema", unsupported], "patternProperties"),
            (["--schema", notJSON], "broken.json"),
            (["--schema", runner.home.url.appendingPathComponent("absent.json").path], "absent.json"),
            (["--schema", runner.home.url.path], "not a regular file"),
            (["--grammar", badGrammar], "missing"),
            (["--schema", Self.yesNoSchema, "--grammar", badGrammar], "not both"),
        ]
        for (flags, expected) in cases {
            let result = try await runner.run(["ask", "--gguf", Self.model] + flags + ["hello"])
            #expect(result.status != 0, "\(flags)")
            #expect(result.stderr.contains(expected), "\(flags): \(result.stderr)")
            #expect(result.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(runner.conversationFiles().isEmpty)
    }

    @Test func aGrammarIsRefusedForAServerBeforeAnythingIsSentOrStored() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["never"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let grammar = try write("root ::= \"yes\"\n", named: "yes.gbnf", in: runner)
        let result = try await runner.run(["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "--grammar", grammar, "hi"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("only with the local backend"), "\(result.stderr)")
        #expect(server.requests(to: "/v1/chat/completions").isEmpty)
        #expect(runner.conversationFiles().isEmpty)
    }

    @Test func aServerReplyThatDoesNotValidateIsAnErrorAndIsKeptAsItCame() async throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: [#"{"answer": "maybe", "#, #""why": "unsure"}"#]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try await runner.run(["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "--schema", Self.yesNoSchema, "hi"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("does not follow the schema"), "\(result.stderr)")
        #expect(result.stderr.contains("$.answer"), "\(result.stderr)")
        let reply = try #require(try stored(runner).first?.messages.last)
        #expect(reply.content == #"{"answer": "maybe", "why": "unsure"}"#)
        // What the server was sent: the schema as response_format.
        let body = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody)
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
    }

    @Test func aServerWithoutStructuredOutputIsAskedAgainAndTheReplyStillChecked() async throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIError(status: 400, message: "'response_format' of type 'json_schema' is not supported"),
            .openAIStream(pieces: [#"{"answer": "no", "why": "it burns"}"#]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try await runner.run(["ask", "--no-save", "--base-url", server.baseURL.absoluteString, "--model", "m", "--schema", Self.yesNoSchema, "hi"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"answer\": \"no\", \"why\": \"it burns\"}\n")
        #expect(result.stderr.contains("checks the reply against the schema itself"))
        let bodies = server.requests(to: "/v1/chat/completions").compactMap(\.jsonBody)
        #expect(bodies.map { $0["response_format"] != nil } == [true, false])
    }
}
