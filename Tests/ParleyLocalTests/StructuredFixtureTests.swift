import Foundation
import GGUFRuntime
import ParleyCore
import StructuredOutput
import ParleyTestThreads
import Testing

@testable import ParleyLocal

/// One recorded constrained completion from llama-server (scripts/record-structured-fixtures.py).
struct StructuredFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var format: ResponseFormat
    var promptTokens: [Int32]
    var expectedTokens: [Int32]
    var expectedText: String
    var testDescription: String { name }

    static let nPredict = 160

    /// Read with Parley's own JSON reader: a schema's key order is part of what the model is asked.
    static let all: [StructuredFixture] = {
        let url = DefaultModel.packageRoot.appendingPathComponent("Tests/ParleyLocalTests/Fixtures/structured.json")
        guard let data = try? Data(contentsOf: url), let root = try? JSONValue.parse(String(decoding: data, as: UTF8.self)),
            let cases = root["cases"]?.arrayValue
        else { return [] }
        return cases.compactMap { entry -> StructuredFixture? in
            guard let name = entry["name"]?.stringValue, let kind = entry["kind"]?.stringValue,
                let prompt = entry["prompt_tokens"]?.arrayValue, let expected = entry["expected_tokens"]?.arrayValue,
                let text = entry["expected_text"]?.stringValue
            else { return nil }
            let format: ResponseFormat
            if kind == "schema", let schema = entry["schema"] {
                format = .jsonSchema(name: name, schema: schema.serialized)
            } else if let grammar = entry["grammar"]?.stringValue {
                format = .grammar(grammar)
            } else {
                return nil
            }
            func ids(_ values: [JSONValue]) -> [Int32] { values.compactMap { $0.numberValue.map { Int32($0.doubleValue) } } }
            return StructuredFixture(
                name: name, format: format, promptTokens: ids(prompt), expectedTokens: ids(expected), expectedText: text)
        }
    }()
}

/// Greedy output under a schema or grammar is llama-server's, token for token: the schema is
/// converted to the same grammar language, and the same tokens are allowed at every step.
@Suite("Structured output fixtures", .heavy, .serialized)
struct StructuredFixtureTests {
    static let model: LlamaModel? = try? LlamaModel(path: DefaultModel.path, contextLength: 2048, threads: 2)
    static let tokenizer: Tokenizer? = model.flatMap { try? Tokenizer(file: $0.file) }

    @Test func thereAreTenSchemasAndSomeGrammars() {
        let fixtures = StructuredFixture.all
        #expect(fixtures.filter { if case .jsonSchema = $0.format { true } else { false } }.count >= 10)
        #expect(fixtures.filter { if case .grammar = $0.format { true } else { false } }.count >= 3)
    }

    @Test(arguments: StructuredFixture.all)
    func greedyConstrainedOutputEqualsLlamaServer(_ fixture: StructuredFixture) async throws {
        let model = try #require(Self.model, "the default model is missing at \(DefaultModel.path)")
        let tokenizer = try #require(Self.tokenizer)
        let grammar = try Grammar(gbnf: ResponseGrammar.gbnf(for: fixture.format))
        let constraint = try GrammarConstraint(grammar: grammar, tokenizer: tokenizer)
        // On a thread of its own: seconds of model work would otherwise hold one of the few
        // cooperative threads the other suites' async tests need.
        let result = try await onOwnThread {
            var sampler = Sampler(.greedy)
            return try model.makeSession().generate(
                prompt: fixture.promptTokens, maxTokens: StructuredFixture.nPredict, sampler: &sampler,
                stopTokens: tokenizer.endOfGenerationIDs, grammar: constraint)
        }
        // llama-server lists the end-of-generation token it sampled last; Parley reports it as the stop.
        #expect(result.tokens == Array(fixture.expectedTokens.dropLast()))
        #expect(result.stop == .stopToken(try #require(fixture.expectedTokens.last)))
        let text = String(decoding: result.tokens.flatMap { tokenizer.pieceBytes($0) }, as: UTF8.self)
        #expect(text == fixture.expectedText)
        if case .jsonSchema(_, let schema) = fixture.format {
            let violations = try JSONSchema(parsing: schema).validate(try JSONValue.parse(text))
            #expect(violations.isEmpty, "\(violations)")
        }
    }
}

/// Runs `work` on a new thread and waits for it without blocking a cooperative thread.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
