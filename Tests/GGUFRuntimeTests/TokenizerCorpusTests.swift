import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// The default model's tokenizer against llama.cpp's recorded answers for the corpus
/// (Fixtures/tokenizer, recorded with scripts/record-tokenizer-fixtures.py).
@Suite(.heavy) struct TokenizerCorpusTests {
    struct Expected: Decodable {
        struct Result: Decodable {
            let text: String
            let parseSpecial: Bool
            let tokens: [Int32]
        }
        let model: String
        let results: [Result]
    }

    struct Corpus: Decodable {
        struct Item: Decodable {
            let text: String
            let alsoParseSpecial: Bool
        }
        let strings: [Item]
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tokenizer")

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixtures.appendingPathComponent("smollm2-expected.json")))
    }

    @Test func corpusIsLargeAndCoversEveryString() throws {
        let corpus = try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("corpus.json")))
        let expected = try Self.expected()
        #expect(corpus.strings.count >= 220)
        #expect(corpus.strings.contains { $0.text.isEmpty })
        let recordedPlain = Set(expected.results.filter { !$0.parseSpecial }.map(\.text))
        let recordedSpecial = Set(expected.results.filter { $0.parseSpecial }.map(\.text))
        for item in corpus.strings {
            #expect(recordedPlain.contains(item.text), "no recorded answer for \(item.text.debugDescription)")
            if item.alsoParseSpecial {
                #expect(recordedSpecial.contains(item.text), "no special-parsing answer for \(item.text.debugDescription)")
            }
        }
    }

    @Test func everyCorpusStringMatchesLlamaCpp() throws {
        guard let model = try TokenizerTestModel.loaded() else { return }
        let expected = try Self.expected()
        var mismatches = 0
        for result in expected.results {
            let tokens = model.tokenizer.encode(result.text, parseSpecial: result.parseSpecial)
            if tokens != result.tokens {
                mismatches += 1
                Issue.record("""
                    \(result.text.debugDescription) parseSpecial=\(result.parseSpecial)
                      llama.cpp: \(result.tokens)
                      ours:      \(tokens)
                    """)
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(expected.results.count) corpus strings differ from llama.cpp")
    }

    @Test func decodingTheRecordedTokensGivesTheTextBack() throws {
        guard let model = try TokenizerTestModel.loaded() else { return }
        for result in try Self.expected().results where !result.parseSpecial {
            #expect(Array(model.tokenizer.decode(result.tokens).utf8) == Array(result.text.utf8), "round trip of \(result.text.debugDescription)")
        }
    }
}
