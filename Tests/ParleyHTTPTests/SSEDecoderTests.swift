import Testing

@testable import ParleyHTTP

/// Feeds `bytes` to a fresh decoder cut into pieces at `cuts`, then ends the stream.
private func decode(_ bytes: [UInt8], cuts: [Int]) -> [SSEDecoder.Output] {
    var decoder = SSEDecoder()
    var out: [SSEDecoder.Output] = []
    var start = 0
    for cut in cuts.sorted() where cut > start && cut < bytes.count {
        out += decoder.feed(bytes[start..<cut])
        start = cut
    }
    out += decoder.feed(bytes[start...])
    out += decoder.finish()
    return out
}

private func events(_ outputs: [SSEDecoder.Output]) -> [SSEEvent] {
    outputs.compactMap { if case .event(let e) = $0 { e } else { nil } }
}

struct SSEDecoderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var expected: [SSEDecoder.Output]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "LF", input: "data: a\n\ndata: b\n\n", expected: [.event(.init(data: "a")), .event(.init(data: "b"))]),
        Case(name: "CRLF", input: "data: a\r\n\r\ndata: b\r\n\r\n", expected: [.event(.init(data: "a")), .event(.init(data: "b"))]),
        Case(name: "CR", input: "data: a\r\rdata: b\r\r", expected: [.event(.init(data: "a")), .event(.init(data: "b"))]),
        Case(name: "mixed endings", input: "data: a\r\n\ndata: b\r\r\n", expected: [.event(.init(data: "a")), .event(.init(data: "b"))]),
        Case(name: "no space after colon", input: "data:a\n\ndata:  b\n\n", expected: [.event(.init(data: "a")), .event(.init(data: " b"))]),
        Case(name: "comments are keep-alives", input: ": ping\n\n:\ndata: x\n\n", expected: [.event(.init(data: "x"))]),
        Case(
            name: "event id retry fields", input: "event: delta\nid: 7\nretry: 3000\ndata: x\n\ndata: y\n\n",
            expected: [.event(.init(event: "delta", data: "x", id: "7")), .event(.init(data: "y", id: "7"))]),
        Case(name: "multi-line data", input: "data: one\ndata: two\ndata:\n\n", expected: [.event(.init(data: "one\ntwo\n"))]),
        Case(name: "field without colon", input: "data\n\n", expected: [.event(.init(data: ""))]),
        Case(name: "block without data is no event", input: "event: x\n\nid: 1\n\n", expected: []),
        Case(name: "unknown field ignored", input: "foo: bar\ndata: x\n\n", expected: [.event(.init(data: "x"))]),
        Case(name: "BOM at start", input: "\u{FEFF}data: x\n\n", expected: [.event(.init(data: "x"))]),
        Case(name: "last event without blank line", input: "data: x\n", expected: [.event(.init(data: "x"))]),
        Case(name: "cut-off last line dropped", input: "data: x\n\ndata: {\"cho", expected: [.event(.init(data: "x"))]),
        Case(name: "UTF-8 text", input: "data: héllo 世界 😀\n\n", expected: [.event(.init(data: "héllo 世界 😀"))]),
        Case(name: "DONE is just data", input: "data: [DONE]\n\n", expected: [.event(.init(data: "[DONE]"))]),
        Case(
            name: "HTML page is invalid", input: "<html>\n<body>Bad gateway</body>\n",
            expected: [.invalidLine("<html>"), .invalidLine("<body>Bad gateway</body>")]),
        Case(name: "bare JSON is invalid", input: "{\"error\": 1}\n", expected: [.invalidLine("{\"error\": 1}")]),
    ]

    @Test(arguments: cases)
    func decodesWhole(_ c: Case) {
        #expect(decode(Array(c.input.utf8), cuts: []) == c.expected)
    }

    @Test(arguments: cases)
    func decodesOneByteAtATime(_ c: Case) {
        let bytes = Array(c.input.utf8)
        #expect(decode(bytes, cuts: Array(0..<bytes.count)) == c.expected)
    }

    @Test(arguments: cases)
    func decodesSplitAtEveryPoint(_ c: Case) {
        let bytes = Array(c.input.utf8)
        for cut in 0...bytes.count {
            #expect(decode(bytes, cuts: [cut]) == c.expected, "cut at \(cut)")
        }
    }

    @Test func splitInsideAMultiByteCharacter() {
        let bytes = Array("data: 😀é\n\n".utf8)
        // The emoji starts at 6; cut after each of its four bytes and inside the é.
        for cut in 7...11 {
            #expect(events(decode(bytes, cuts: [cut])) == [SSEEvent(data: "😀é")])
        }
    }

    @Test func crAtTheEndOfAChunkThenLF() {
        var decoder = SSEDecoder()
        var out = decoder.feed(Array("data: a\r".utf8))
        out += decoder.feed(Array("\n\r".utf8))
        out += decoder.feed(Array("\ndata: b\n\n".utf8))
        #expect(events(out) == [SSEEvent(data: "a"), SSEEvent(data: "b")])
    }

    @Test func recordsRetryAndComments() {
        var decoder = SSEDecoder()
        _ = decoder.feed(Array(": ping\n: ping\nretry: 1500\nretry: soon\n\n".utf8))
        #expect(decoder.commentCount == 2)
        #expect(decoder.retryMilliseconds == 1500)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let bytes: [UInt8] = Array("data: a".utf8) + [0xFF, 0xC3] + Array("b\n\n".utf8)
        #expect(events(decode(bytes, cuts: [])) == [SSEEvent(data: "a\u{FFFD}\u{FFFD}b")])
    }

    @Test func anOverlongLineIsReportedAndSkipped() {
        var decoder = SSEDecoder(maxLineBytes: 16)
        var out = decoder.feed(Array("data: ".utf8))
        for _ in 0..<10 { out += decoder.feed(Array("0123456789".utf8)) }
        out += decoder.feed(Array("\n\ndata: ok\n\n".utf8))
        #expect(out == [.invalidLine("a line longer than 16 bytes"), .event(SSEEvent(data: "ok"))])
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 0..<300, using: &generator)
            let alphabet: [UInt8] = Array("data: {}[]\":,\r\n ".utf8) + [0xC3, 0xA9, 0xF0, 0x9F, 0xFF, 0]
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let outputs = decode(bytes, cuts: [Int.random(in: 0...max(1, count), using: &generator)])
            var interpreter = OpenAIChunkInterpreter(url: "http://x")
            for case .event(let event) in outputs { _ = try? interpreter.interpret(event) }
            #expect(outputs.count <= count)
        }
    }
}
