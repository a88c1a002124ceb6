import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// `PerplexityRunner` on the default model against llama-perplexity's answers, recorded by
/// scripts/record-perplexity-fixtures.py: the same tokens, the same running perplexity after each
/// chunk, the same final estimate, and a logits file whose every row hashes as llama.cpp's does.
/// Recorded twice: by llama.cpp built for AVX-512 (perplexity.json) and for AVX2 only
/// (perplexity-avx2.json), each matched by the runtime following that build's order.
@Suite(.heavy, .serialized) struct PerplexityFixtureTests {
    struct Fixture: Decodable {
        struct Text: Decodable {
            let file: String
            let tokens: [Int32]
            let chunk_perplexity: [String]
            let final: String
            let row_hashes: [String]
        }
        let context: Int
        let chunks: Int
        let texts: [Text]
    }

    static func fixture(_ name: String = "perplexity.json") throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func fnv1a64(_ words: [UInt16]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for word in words {
            for byte in [UInt8(word & 0xFF), UInt8(word >> 8)] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    @Test(arguments: [("perplexity.json", NumericsOrder.avx512), ("perplexity-avx2.json", .avx2)])
    func perplexityAndLogitsFileMatchLlamaCpp(_ name: String, _ order: NumericsOrder) async throws {
        guard let shared = try GreedyFixtureTests.model(), let path = shared.file.path else { return }
        let model = order == shared.numerics ? shared : try LlamaModel(path: path, contextLength: shared.contextLength, numerics: order)
        let fixture = try Self.fixture(name)
        let tokenizer = try Tokenizer(file: model.file)
        for text in fixture.texts {
            let source = try String(contentsOf: TestModel.packageRoot.appendingPathComponent(text.file), encoding: .utf8)
            let tokens = tokenizer.encode(source, parseSpecial: false, addSpecial: true)
            #expect(Array(tokens.prefix(fixture.context * fixture.chunks)) == text.tokens, "\(text.file)")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).kld").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (chunkTexts, result) = try await onOwnThread { () -> ([String], PerplexityAccumulator) in
                let writer = try LogitsBaseWriter(path: path, contextLength: fixture.context, vocabularySize: model.vocabularySize,
                                                  chunkCount: fixture.chunks, tokens: text.tokens)
                let runner = PerplexityRunner(model: model, bos: tokenizer.addBOS ? tokenizer.bosID : nil)
                var lines: [String] = []
                let result = try runner.perplexity(tokens: tokens, contextLength: fixture.context, batchSize: fixture.context,
                                                   chunks: fixture.chunks, writer: writer) { chunk, running in
                    lines.append(running.chunkText(chunk))
                }
                return (lines, result)
            }
            #expect(chunkTexts == text.chunk_perplexity.enumerated().map { "[\($0.offset + 1)]\($0.element)," }, "\(text.file)")
            #expect(result.finalText == text.final, "\(text.file)")
            let file = try LogitsBaseFile(path: path)
            #expect(file.tokens == text.tokens)
            var row = [UInt16](repeating: 0, count: file.wordsPerRow)
            var hashes: [String] = []
            let perChunk = LogitsBaseFile.scoredPerChunk(contextLength: fixture.context)
            for r in 0..<(fixture.chunks * perChunk) {
                row.withUnsafeMutableBufferPointer { file.readRow(chunk: r / perChunk, index: r % perChunk, into: $0) }
                hashes.append(Self.fnv1a64(row))
            }
            let differing = zip(hashes, text.row_hashes).filter { $0 != $1 }.count
            #expect(differing == 0 && hashes.count == text.row_hashes.count, "\(text.file): \(differing) rows differ")

            // Compared with its own file, the model diverges by nothing but the storage step.
            let stats = try await onOwnThread {
                try PerplexityRunner(model: model, bos: nil).klDivergence(base: file, batchSize: 64, chunks: 1, writer: nil)
            }
            #expect(stats.count == perChunk)
            #expect(stats.sameTop == perChunk)
            #expect(abs(stats.meanKLD.value) < 1e-5)
        }
    }

    /// Every position's logits from one batch are the logits `evaluate(tokens:)` gives for that
    /// position's prefix, bit for bit, whichever attention path the prefix takes alone.
    @Test func everyPositionsLogitsEqualThoseOfItsPrefix() async throws {
        guard let model = try GreedyFixtureTests.model() else { return }
        let tokens = Array(try Self.fixture().texts[0].tokens.prefix(100))
        let (rows, prefixes) = try await onOwnThread { () -> ([Int: [Float]], [Int: [Float]]) in
            var rows: [Int: [Float]] = [:]
            try model.makeSession().evaluate(tokens: tokens, batchSize: 100, outputsFrom: 60) { i, logits in
                if [63, 64, 80, 99].contains(i) { rows[i] = Array(logits) }
            }
            var prefixes: [Int: [Float]] = [:]
            for i in [64, 80, 99] { prefixes[i] = try model.makeSession().evaluate(tokens: Array(tokens[0...i])) }
            return (rows, prefixes)
        }
        #expect(rows.keys.sorted() == [63, 64, 80, 99])
        for i in [64, 80, 99] {
            #expect(rows[i] == prefixes[i], "position \(i)")
        }
        #expect(rows[63] != rows[64])
    }

    @Test func scoringNeedsTwoChunksOfText() throws {
        #expect(throws: PerplexityError.textTooShort(tokens: 1000, needed: 1024, contextLength: 512)) {
            try PerplexityRunner.validate(tokenCount: 1000, contextLength: 512)
        }
        #expect(throws: PerplexityError.contextTooShort(3)) { try PerplexityRunner.validate(tokenCount: 1000, contextLength: 3) }
        #expect(PerplexityRunner.chunkCount(tokenCount: 2888, contextLength: 512, limit: nil) == 5)
        #expect(PerplexityRunner.chunkCount(tokenCount: 2888, contextLength: 512, limit: 2) == 2)
    }
}
