import Testing

@testable import ParleyTUI

@Suite("Key decoding")
struct KeyDecoderTests {
    func decode(_ text: String) -> [InputEvent] {
        var d = KeyDecoder()
        return d.feed(Array(text.utf8)) + d.flush()
    }

    static let sequences: [(String, Key)] = [
        ("\u{1B}[A", .up), ("\u{1B}[B", .down), ("\u{1B}[C", .right), ("\u{1B}[D", .left),
        ("\u{1B}OA", .up), ("\u{1B}[H", .home), ("\u{1B}[F", .end), ("\u{1B}[1~", .home), ("\u{1B}[4~", .end),
        ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown), ("\u{1B}[3~", .delete), ("\u{1B}[2~", .insert),
        ("\u{1B}OP", .function(1)), ("\u{1B}OQ", .function(2)), ("\u{1B}[11~", .function(1)), ("\u{1B}[12~", .function(2)),
        ("\u{1B}[15~", .function(5)), ("\u{1B}[17~", .function(6)), ("\u{1B}[24~", .function(12)),
        ("\u{1B}[1;5C", .ctrlRight), ("\u{1B}[1;5D", .ctrlLeft), ("\u{1B}[1;3D", .altLeft), ("\u{1B}[1;3C", .altRight),
        ("\u{1B}[1;5H", .ctrlHome), ("\u{1B}[Z", .backTab),
        ("\r", .enter), ("\n", .ctrlJ), ("\u{1B}\r", .altEnter), ("\t", .tab), ("\u{7F}", .backspace), ("\u{08}", .backspace),
        ("\u{03}", .ctrl("c")), ("\u{04}", .ctrl("d")), ("\u{15}", .ctrl("u")), ("\u{0B}", .ctrl("k")), ("\u{17}", .ctrl("w")),
        ("\u{0E}", .ctrl("n")), ("\u{02}", .ctrl("b")), ("\u{1B}b", .alt("b")), ("\u{1B}\u{7F}", .altBackspace),
        ("\u{1B}", .escape), ("\u{1B}[27;3;13~", .altEnter), ("\u{1B}[13;3u", .altEnter),
    ]

    @Test(arguments: sequences)
    func sequence(_ sample: (String, Key)) {
        #expect(decode(sample.0) == [.key(sample.1)], "\(Array(sample.0.utf8))")
    }

    @Test func textIncludingCJKAndEmoji() {
        #expect(decode("a中👨‍👩‍👧é") == [.key(.character("a")), .key(.character("中")), .key(.character("👨‍👩‍👧")), .key(.character("é"))])
    }

    @Test func utf8SplitAcrossReads() {
        var d = KeyDecoder()
        let bytes = Array("中".utf8)
        #expect(d.feed([bytes[0]]).isEmpty)
        #expect(d.feed([bytes[1]]).isEmpty)
        #expect(d.feed([bytes[2]]) == [.key(.character("中"))])
    }

    @Test func escapeSequenceSplitAcrossReads() {
        var d = KeyDecoder()
        #expect(d.feed([0x1B]).isEmpty)
        #expect(d.isWaitingForMore)
        #expect(d.feed(Array("[5".utf8)).isEmpty)
        #expect(d.feed(Array("~x".utf8)) == [.key(.pageUp), .key(.character("x"))])
    }

    @Test func bracketedPasteIsOneEventAndNeverAnEnter() {
        #expect(decode("\u{1B}[200~line one\rline two\n\u{1B}[A\u{1B}[201~") == [.unknown, .paste("line one\rline two\n\u{1B}[A")])
    }

    @Test func bracketedPasteAcrossManyReadsWithTheEndMarkerSplit() {
        var d = KeyDecoder()
        var events = d.feed(Array("\u{1B}[200~".utf8))
        let chunk = Array(String(repeating: "你好 paste ", count: 1000).utf8)
        for _ in 0..<100 { events += d.feed(chunk) }
        #expect(d.isInPaste)
        #expect(d.flush().isEmpty)
        events += d.feed(Array("\u{1B}[20".utf8))
        events += d.feed(Array("1~z".utf8))
        let pastes = events.compactMap { event -> String? in if case .paste(let t) = event { return t } else { return nil } }
        #expect(pastes.count == 1)
        #expect(pastes.first?.utf8.count == chunk.count * 100)
        #expect(events.last == .key(.character("z")))
    }

    @Test func mouseWheel() {
        #expect(decode("\u{1B}[<64;10;5M") == [.wheel(up: true)])
        #expect(decode("\u{1B}[<65;10;5M") == [.wheel(up: false)])
        #expect(decode("\u{1B}[<0;10;5M") == [.unknown])
    }

    @Test func randomBytesNeverCrashAndAlwaysMakeProgress() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var d = KeyDecoder()
            for _ in 0..<20 {
                let bytes = (0..<Int.random(in: 0..<24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                _ = d.feed(bytes)
            }
            _ = d.flush()
            // After the end of any paste, the decoder accepts ordinary input again.
            _ = d.feed(Array("\u{1B}[201~".utf8))
            _ = d.flush()
            #expect(d.feed(Array("q".utf8)).last == .key(.character("q")))
        }
    }
}
