import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Greedy generation must produce exactly llama.cpp's tokens (recorded by
/// scripts/record-llama-fixtures.py from llama-server) with the default model.
@Suite(.heavy, .serialized) struct GreedyFixtureTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let kind: String
            let prompt: String
            let prompt_tokens: [Int32]
            let expected_tokens: [Int32]
            /// llama-server's output when all but the last prompt token came from its
            /// prompt cache, so the last one was evaluated alone (chat cases only).
            let expected_tokens_last_alone: [Int32]?
        }
        let n_predict: Int
        let cases: [Case]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/greedy.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// The shared model, or nil after recording a failure naming the fetch command
    /// (unless PARLEY_ALLOW_MISSING_MODEL=1).
    static func model() throws -> LlamaModel? {
        guard TestModel.isPresent else {
            if !TestModel.allowMissing { Issue.record(Comment(rawValue: TestModel.missingMessage)) }
            return nil
        }
        guard let model = TestModel.shared else {
            Issue.record("the model at \(TestModel.path) failed to load")
            return nil
        }
        return model
    }

    static func greedy(_ model: LlamaModel, prompt: [Int32], count: Int) throws -> [Int32] {
        let session = model.makeSession()
        var sampler = Sampler(.greedy)
        let result = try session.generate(prompt: prompt, maxTokens: count, sampler: &sampler,
                                          stopTokens: model.stopTokens, isCancelled: { false })
        if case let .stopToken(token) = result.stop { return result.tokens + [token] }
        return result.tokens
    }

    @Test func fixtureCoversRawAndChatPrompts() throws {
        let fixture = try Self.fixture()
        #expect(fixture.cases.count >= 6)
        #expect(fixture.cases.filter { $0.kind == "raw" }.count >= 3)
        #expect(fixture.cases.filter { $0.kind == "chatml" }.count >= 3)
        #expect(fixture.cases.filter { $0.expected_tokens.count == fixture.n_predict }.count >= 5)
        // Prompts of several 64-token tiles take llama.cpp's tiled F32 attention path.
        #expect(fixture.cases.filter { $0.prompt_tokens.count >= 128 }.count >= 3)
        #expect(fixture.cases.filter { $0.expected_tokens_last_alone != nil }.count >= 2)
    }

    @Test func greedyTokensMatchLlamaCpp() throws {
        guard let model = try Self.model() else { return }
        let fixture = try Self.fixture()
        for c in fixture.cases {
            let produced = try Self.greedy(model, prompt: c.prompt_tokens, count: fixture.n_predict)
            #expect(produced == c.expected_tokens, "prompt: \(c.prompt.debugDescription)")
        }
    }

    /// The prompt but its last token in one batch, then the last token alone (F16
    /// attention path) gives what llama-server answers from its prompt cache. On the
    /// 169-token persona chat this differs from the one-batch answer, in both programs.
    @Test func lastPromptTokenAloneMatchesLlamaCpp() throws {
        guard let model = try Self.model() else { return }
        let fixture = try Self.fixture()
        for c in fixture.cases {
            guard let expected = c.expected_tokens_last_alone else { continue }
            let session = model.makeSession()
            _ = try session.evaluate(tokens: Array(c.prompt_tokens.dropLast()))
            var sampler = Sampler(.greedy)
            let result = try session.generate(prompt: [c.prompt_tokens.last!], maxTokens: fixture.n_predict,
                                              sampler: &sampler, stopTokens: model.stopTokens, isCancelled: { false })
            var produced = result.tokens
            if case let .stopToken(token) = result.stop { produced.append(token) }
            #expect(produced == expected, "prompt: \(c.prompt.debugDescription)")
        }
    }

    @Test func batchedPromptEqualsTokenByToken() throws {
        guard let model = try Self.model() else { return }
        let prompt = try Self.fixture().cases[4].prompt_tokens
        let batched = try model.makeSession().evaluate(tokens: prompt)
        let session = model.makeSession()
        var logits: [Float] = []
        for token in prompt { logits = try session.evaluate(tokens: [token]) }
        #expect(session.position == prompt.count)
        #expect(batched == logits)
    }

    @Test func resetAndRewindReproduceLogits() throws {
        guard let model = try Self.model() else { return }
        let prompt = try Self.fixture().cases[1].prompt_tokens
        let session = model.makeSession()
        let first = try session.evaluate(tokens: prompt)
        _ = try session.evaluate(tokens: [42, 43])
        session.rewind(to: prompt.count - 1)
        #expect(session.position == prompt.count - 1)
        #expect(try session.evaluate(tokens: [prompt.last!]) == first)
        session.reset()
        #expect(session.position == 0)
        #expect(try session.evaluate(tokens: prompt) == first)
    }

    @Test func cancellationStopsBetweenTokens() throws {
        guard let model = try Self.model() else { return }
        let session = model.makeSession()
        var sampler = Sampler(.greedy)
        var produced = 0
        let result = try session.generate(prompt: [1, 4093, 198], maxTokens: 50, sampler: &sampler,
                                          stopTokens: [], isCancelled: { produced >= 3 },
                                          onToken: { _ in produced += 1 })
        #expect(result.stop == .cancelled)
        #expect(result.tokens.count == 3)
    }

    @Test func contextOverflowIsAnError() throws {
        guard TestModel.isPresent else {
            if !TestModel.allowMissing { Issue.record(Comment(rawValue: TestModel.missingMessage)) }
            return
        }
        let small = try LlamaModel(path: TestModel.path, contextLength: 8, threads: 1)
        let session = small.makeSession()
        _ = try session.evaluate(tokens: [1, 2, 3, 4, 5, 6])
        #expect(throws: GGUFError.contextFull(needed: 9, contextLength: 8)) {
            try session.evaluate(tokens: [7, 8, 9])
        }
        #expect(throws: GGUFError.tokenOutOfRange(99_999, vocabularySize: 49152)) {
            try session.evaluate(tokens: [99_999])
        }
    }
}
