import Foundation
import ParleyTestSupport
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// The architectures beyond llama, on test models written from the default model's real weights
/// (scripts/make-test-models.sh, run by scripts/setup.sh), against llama.cpp's answers recorded by
/// scripts/record-architecture-fixtures.py: perplexity, KL divergence and top-1 agreement of the
/// logits, the logits file row by row, and greedy text.
@Suite(.heavy, .serialized) struct ArchitectureFixtureTests {
    struct Fixture: Decodable {
        struct Model: Decodable {
            struct Perplexity: Decodable {
                let chunk_perplexity: [String]
                let final: String
                let row_hashes: [String]
                /// Per scored position, the most likely tokens and their log-probabilities.
                let top: [[[Double]]]
            }
            struct Greedy: Decodable {
                let prompt_tokens: [Int32]
                let expected_tokens: [Int32]
            }
            let name: String
            let sha256: String
            let perplexity: Perplexity
            let greedy: [Greedy]
        }
        let context: Int
        let chunks: Int
        let text: String
        let models: [Model]
    }

    /// The fixture recorded by llama.cpp built for `order`'s instruction set: architectures.json on
    /// an AVX-512 machine, architectures-avx2.json on one with AVX2 only.
    static func fixture(_ order: NumericsOrder = .avx512) throws -> Fixture {
        try fixture(named: order == .avx512 ? "architectures.json" : "architectures-avx2.json")
    }

    static func fixture<T: Decodable>(named name: String, as: T.Type = Fixture.self) throws -> T {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static var directory: String {
        if let env = ProcessInfo.processInfo.environment["PARLEY_TEST_MODELS"], !env.isEmpty { return env }
        return TestModel.packageRoot.appendingPathComponent("Storage/test-models").path
    }

    static func sha256(_ path: String) throws -> String { try PackageFiles.sha256(ofFile: path) }

    /// The test model, or nil after recording why (unless PARLEY_ALLOW_MISSING_MODEL=1 and it is missing).
    static func load(_ model: Fixture.Model, numerics: NumericsOrder) throws -> LlamaModel? {
        let path = directory + "/\(model.name).gguf"
        guard try isRecordedFile(path, sha256: model.sha256) else { return nil }
        return try LlamaModel(path: path, contextLength: 512, threads: 2, numerics: numerics)
    }

    /// Whether `path` is there and is the file the fixtures were recorded on; if not, why is
    /// recorded (a missing file only without PARLEY_ALLOW_MISSING_MODEL=1).
    static func isRecordedFile(_ path: String, sha256 expected: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else {
            if !TestModel.allowMissing {
                Issue.record("\(path) is missing; make it with scripts/make-test-models.sh (PARLEY_ALLOW_MISSING_MODEL=1 lets these tests pass without it)")
            }
            return false
        }
        let digest = try sha256(path)
        guard digest == expected else {
            Issue.record("\(path) is not the file the fixtures were recorded on (SHA-256 \(digest)); run scripts/make-test-models.sh again")
            return false
        }
        return true
    }

    /// KL divergence of the model's distribution from the recorded one over the recorded top
    /// tokens, both renormalised there (the rest of the mass is not recorded), and whether the
    /// most likely token is the same.
    static func compare(_ logits: UnsafeBufferPointer<Float>, top: [[Double]]) -> (kld: Double, sameTop: Bool) {
        let maxLogit = Double(logits.max()!)
        let logNorm = log(logits.reduce(0.0) { $0 + exp(Double($1) - maxLogit) }) + maxLogit
        let ids = top.map { Int($0[0]) }
        let base = top.map { $0[1] }, ours = ids.map { Double(logits[$0]) - logNorm }
        let baseNorm = log(base.reduce(0) { $0 + exp($1) }), oursNorm = log(ours.reduce(0) { $0 + exp($1) })
        var kld = 0.0
        for (b, o) in zip(base, ours) {
            let p = exp(b - baseNorm)
            kld += p * ((b - baseNorm) - (o - oursNorm))
        }
        let argmax = logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
        return (kld, argmax == ids[0])
    }

    @Test(arguments: NumericsOrder.allCases)
    func everyArchitectureHasAModel(_ order: NumericsOrder) throws {
        let names = Set(try Self.fixture(order).models.map(\.name))
        #expect(names == ["llama-rope", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"])
        // Both recordings were made on the same files.
        #expect(try Self.fixture(order).models.map(\.sha256) == Self.fixture(.avx512).models.map(\.sha256))
        for model in try Self.fixture(order).models {
            #expect(model.perplexity.row_hashes.count == model.perplexity.top.count)
            #expect(model.greedy.count == 3 && model.greedy.contains { $0.prompt_tokens.count > 64 })
        }
    }

    @Test(arguments: ["llama-rope", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"], NumericsOrder.allCases)
    func logitsMatchLlamaCpp(_ name: String, _ order: NumericsOrder) async throws {
        let fixture = try Self.fixture(order)
        let recorded = try #require(fixture.models.first { $0.name == name })
        guard let model = try Self.load(recorded, numerics: order) else { return }
        try await Self.expectLogitsMatch(model, recorded.perplexity, context: fixture.context, chunks: fixture.chunks,
                                         text: fixture.text, label: "\(name), \(order)")
    }

    /// Runs llama-perplexity's measurement on `text` and checks it against `recorded`: the printed
    /// figures, KL divergence and top-1 agreement over the recorded distributions, and every row
    /// of the logits file.
    static func expectLogitsMatch(_ model: LlamaModel, _ recorded: Fixture.Model.Perplexity, context: Int, chunks: Int,
                                  text: String, label: String) async throws {
        let source = try String(contentsOf: TestModel.packageRoot.appendingPathComponent(text), encoding: .utf8)
        let tokenizer = try Tokenizer(file: model.file)
        let tokens = tokenizer.encode(source, parseSpecial: false, addSpecial: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).kld").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        struct Outcome: Sendable { var lines: [String] = []; var final = ""; var klds: [Double] = []; var sameTop = 0 }
        let outcome = try await onOwnThread { () -> Outcome in
            var outcome = Outcome()
            let writer = try LogitsBaseWriter(path: path, contextLength: context, vocabularySize: model.vocabularySize,
                                              chunkCount: chunks, tokens: Array(tokens.prefix(context * chunks)))
            let runner = PerplexityRunner(model: model, bos: tokenizer.addBOS ? tokenizer.bosID : nil)
            let perChunk = LogitsBaseFile.scoredPerChunk(contextLength: context)
            let result = try runner.perplexity(
                tokens: tokens, contextLength: context, batchSize: context, chunks: chunks, writer: writer,
                onChunk: { chunk, running in outcome.lines.append(running.chunkText(chunk)) },
                onRow: { c, i, logits in
                    // Each scored position against the recorded distribution.
                    let (kld, same) = Self.compare(logits, top: recorded.top[c * perChunk + i])
                    outcome.klds.append(kld)
                    if same { outcome.sameTop += 1 }
                })
            outcome.final = result.finalText
            return outcome
        }
        #expect(outcome.lines == recorded.chunk_perplexity.enumerated().map { "[\($0.offset + 1)]\($0.element)," }, "\(label)")
        #expect(outcome.final == recorded.final, "\(label)")
        let meanKLD = outcome.klds.reduce(0, +) / Double(outcome.klds.count)
        #expect(outcome.klds.count == recorded.top.count)
        #expect(meanKLD <= 1e-4, "\(label): mean KLD \(meanKLD)")
        #expect(Double(outcome.sameTop) >= 0.995 * Double(outcome.klds.count), "\(label): top-1 \(outcome.sameTop) of \(outcome.klds.count)")
        // Row by row, the logits file is llama.cpp's.
        let file = try LogitsBaseFile(path: path)
        var row = [UInt16](repeating: 0, count: file.wordsPerRow)
        let perChunk = LogitsBaseFile.scoredPerChunk(contextLength: context)
        var differing = 0
        for (r, expected) in recorded.row_hashes.enumerated() {
            row.withUnsafeMutableBufferPointer { file.readRow(chunk: r / perChunk, index: r % perChunk, into: $0) }
            if PerplexityFixtureTests.fnv1a64(row) != expected { differing += 1 }
        }
        #expect(differing == 0, "\(label): \(differing) of \(recorded.row_hashes.count) rows differ from llama.cpp's")
    }

    /// Greedy tokens after each recorded prompt equal llama.cpp's.
    static func expectGreedyMatch(_ model: LlamaModel, _ cases: [Fixture.Model.Greedy], label: String) async throws {
        for c in cases {
            let produced = try await onOwnThread { try GreedyFixtureTests.greedy(model, prompt: c.prompt_tokens, count: c.expected_tokens.count) }
            #expect(produced == c.expected_tokens, "\(label), \(c.prompt_tokens.count) prompt tokens")
        }
    }

    @Test(arguments: ["llama-rope", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"], NumericsOrder.allCases)
    func greedyTextMatchesLlamaCpp(_ name: String, _ order: NumericsOrder) async throws {
        let recorded = try #require(try Self.fixture(order).models.first { $0.name == name })
        guard let model = try Self.load(recorded, numerics: order) else { return }
        try await Self.expectGreedyMatch(model, recorded.greedy, label: "\(name), \(order)")
    }
}
