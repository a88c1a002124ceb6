import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Encodes and decodes a large mixed text with the default model's tokenizer, checks the round
/// trip, and prints the speed. `scripts/bench-tokenizer.sh` runs it in a release build with a
/// bigger text (`PARLEY_TOKENIZER_BENCH_BYTES`); no timing is asserted.
@Suite(.heavy) struct TokenizerThroughputTests {
    /// A deterministic mix of the corpus strings, about `bytes` long.
    static func largeText(bytes: Int) throws -> String {
        let corpus = try JSONDecoder().decode(
            TokenizerCorpusTests.Corpus.self,
            from: Data(contentsOf: TokenizerCorpusTests.fixtures.appendingPathComponent("corpus.json")))
        let pieces = corpus.strings.map(\.text).filter { !$0.isEmpty }
        var text = ""
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while text.utf8.count < bytes {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            text += pieces[Int(state >> 33) % pieces.count]
            text += (state >> 20) & 3 == 0 ? "\n" : " "
        }
        return text
    }

    /// Made-up words from random syllables: almost every word is new, so the per-call word
    /// cache cannot help and the merge loop itself is measured.
    static func uniqueWordsText(bytes: Int) -> String {
        let syllables = ["ka", "lo", "mi", "ne", "stra", "vu", "ze", "tion", "ph", "or", "qua", "ing", "bre", "xy", "ul", "éa", "dü"]
        var text = ""
        var state: UInt64 = 12345
        while text.utf8.count < bytes {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let count = 1 + Int(state >> 61)
            for k in 0..<count { text += syllables[Int((state >> UInt64(8 + 5 * k)) & 0xFFFF) % syllables.count] }
            text += (state >> 30) & 7 == 0 ? ".\n" : " "
        }
        return text
    }

    @Test func largeTextRoundTripsAndReportsSpeed() throws {
        guard let model = try TokenizerTestModel.loaded() else { return }
        let size = Int(ProcessInfo.processInfo.environment["PARLEY_TOKENIZER_BENCH_BYTES"] ?? "") ?? 200_000
        let clock = ContinuousClock()
        var rebuilt: Tokenizer?
        let buildTime = clock.measure { rebuilt = try? Tokenizer(model.configuration) }
        #expect(rebuilt?.vocabularySize == model.tokenizer.vocabularySize)
        print("tokenizer build from metadata values: \(buildTime)")
        for (name, text) in [("corpus mix", try Self.largeText(bytes: size)), ("unique words", Self.uniqueWordsText(bytes: size))] {
            try measure(name: name, text: text, tokenizer: model.tokenizer, size: size)
        }
    }

    func measure(name: String, text: String, tokenizer: Tokenizer, size: Int) throws {
        let clock = ContinuousClock()
        var ids: [Int32] = []
        let encodeTime = clock.measure { ids = tokenizer.encode(text, parseSpecial: false) }
        var decoded = ""
        let decodeTime = clock.measure { decoded = tokenizer.decode(ids) }
        #expect(decoded == text)
        #expect(ids.count > size / 8)
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        let line = String(format: "tokenizer throughput (%@): %d bytes -> %d tokens; encode %.3f s = %.0f tokens/s (%.2f MB/s); decode %.3f s = %.0f tokens/s",
                          name, text.utf8.count, ids.count, seconds(encodeTime), Double(ids.count) / seconds(encodeTime),
                          Double(text.utf8.count) / seconds(encodeTime) / 1e6, seconds(decodeTime), Double(ids.count) / seconds(decodeTime))
        print(line)
    }
}
