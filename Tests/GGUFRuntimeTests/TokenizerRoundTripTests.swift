import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Byte-level BPE loses nothing: any text, however odd, decodes back to itself, and the stream
/// decoder agrees with the one-shot decoder.
@Suite(.heavy) struct TokenizerRoundTripTests {
    /// Deterministic random text mixing ASCII, white space, Latin, combining marks, CJK, emoji
    /// (with ZWJ and skin tones), supplementary planes and special-token look-alikes.
    static func randomText(seed: UInt64, length: Int) -> String {
        let pools: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x09...0x0D, 0xA0...0x17F, 0x300...0x36F, 0x400...0x4FF, 0x600...0x6FF,
            0x900...0x97F, 0xE00...0xE7F, 0x3040...0x30FF, 0x4E00...0x4FFF, 0xAC00...0xAD00,
            0x1F300...0x1F64F, 0x1F3FB...0x1F3FF, 0x200D...0x200D, 0xFE0F...0xFE0F, 0x10000...0x1004F,
        ]
        let snippets = ["<|im_start|>", "<|im_end|>", "</s>", "  ", "\n\n", "'s", "123456"]
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        var text = ""
        while text.unicodeScalars.count < length {
            if next() % 10 == 0 {
                text += snippets[Int(next() % UInt64(snippets.count))]
                continue
            }
            let pool = pools[Int(next() % UInt64(pools.count))]
            let value = pool.lowerBound + UInt32(next() % UInt64(pool.count))
            if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
        }
        return text
    }

    @Test func randomTextDecodesBackToItself() throws {
        guard let model = try TokenizerTestModel.loaded() else { return }
        let tokenizer = model.tokenizer
        for seed in 1...200 as ClosedRange<UInt64> {
            let text = Self.randomText(seed: seed, length: 1 + Int(seed % 60))
            let ids = tokenizer.encode(text, parseSpecial: false)
            #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
            #expect(!ids.contains { tokenizer.attributes[Int($0)].contains(.control) }, "control token from plain text: \(text.debugDescription)")
            #expect(Array(tokenizer.decode(ids).utf8) == Array(text.utf8), "seed \(seed): \(text.debugDescription)")
            var decoder = UTF8StreamDecoder()
            var streamed = ""
            for id in ids { streamed += decoder.append(tokenizer.pieceBytes(id)) }
            streamed += decoder.finish()
            #expect(Array(streamed.utf8) == Array(text.utf8))  // bytes: String == would accept a normalised form
        }
    }
}
