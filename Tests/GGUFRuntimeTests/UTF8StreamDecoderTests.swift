import ParleyTestThreads
import Testing
@testable import GGUFRuntime

@Suite(.heavy) struct UTF8StreamDecoderTests {
    @Test func holdsBackACharacterSplitAcrossChunks() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.append([0x61, 0xC3]) == "a")
        #expect(decoder.hasPendingBytes)
        #expect(decoder.append([0xA9, 0x62]) == "éb")
        #expect(!decoder.hasPendingBytes)
        #expect(decoder.finish() == "")
    }

    @Test func anEmojiArrivingOneByteAtATimeAppearsWhole() {
        var decoder = UTF8StreamDecoder()
        let bytes = Array("😀".utf8)
        #expect(decoder.append([bytes[0]]) == "")
        #expect(decoder.append([bytes[1]]) == "")
        #expect(decoder.append([bytes[2]]) == "")
        #expect(decoder.append([bytes[3]]) == "😀")
    }

    @Test func invalidBytesBecomeReplacementCharactersAtOnce() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.append([0xFF]) == "\u{FFFD}")
        #expect(decoder.append([0x80, 0x41]) == "\u{FFFD}A")
        // E0 80 can never start a valid character (E0 needs A0...BF next).
        #expect(decoder.append([0xE0, 0x80]) == "\u{FFFD}\u{FFFD}")
        #expect(!decoder.hasPendingBytes)
    }

    @Test func anUnfinishedCharacterAtTheEndBecomesOneReplacementCharacter() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.append([0x68, 0x69, 0xE4, 0xBD]) == "hi")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(!decoder.hasPendingBytes)
    }

    @Test func anInterruptedCharacterIsReplacedWhenTheNextOneStarts() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.append([0xE4, 0xBD]) == "")
        #expect(decoder.append([0x41]) == "\u{FFFD}A")
    }

    @Test func theDefaultModelsTokensStreamEmojiAndCJKWithoutReplacementCharacters() throws {
        guard let model = try TokenizerTestModel.loaded() else { return }
        for text in ["👨‍👩‍👧‍👦 family", "你好，世界！", "こんにちは🇯🇵", "한국어 👍🏽 ok"] {
            let ids = model.tokenizer.encode(text, parseSpecial: false)
            var decoder = UTF8StreamDecoder()
            var streamed = ""
            var heldBack = false
            for id in ids {
                let chunk = decoder.append(model.tokenizer.pieceBytes(id))
                #expect(!chunk.contains("\u{FFFD}"), "mid-stream replacement character for \(text)")
                heldBack = heldBack || decoder.hasPendingBytes
                streamed += chunk
            }
            streamed += decoder.finish()
            #expect(Array(streamed.utf8) == Array(text.utf8))
            #expect(heldBack, "expected \(text) to have a character split across tokens")
        }
    }
}
