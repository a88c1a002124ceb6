import Testing
@testable import ParleyCore

@Suite("Terminal sanitiser")
struct TerminalSanitizerTests {
    @Test func plainTextPassesUnchanged() {
        let text = "Hello, 世界! 👩‍👩‍👧 café\n\tindented"
        #expect(TerminalSanitizer.sanitize(text) == text)
    }

    /// A case whose name in the test log is escaped, so running the tests never sends the payloads
    /// themselves to the developer's terminal.
    struct Case: CustomTestStringConvertible, Sendable {
        var input: String
        var expected: String
        var testDescription: String { input.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() }
    }

    @Test(arguments: [
        Case(input: "\u{1B}[2J", expected: "␛[2J"),  // clear screen
        Case(input: "\u{1B}]0;pwned\u{07}", expected: "␛]0;pwned␇"),  // set title
        Case(input: "\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\", expected: "␛]8;;http://x␛\\link␛]8;;␛\\"),  // OSC 8
        Case(input: "\u{1B}]52;c;aGk=\u{07}", expected: "␛]52;c;aGk=␇"),  // OSC 52 clipboard
        Case(input: "\u{1B}[6n", expected: "␛[6n"),  // device status report
        Case(input: "\u{1B}P1$r\u{1B}\\", expected: "␛P1$r␛\\"),  // DCS
        Case(input: "a\u{08}b", expected: "a␈b"),
        Case(input: "\u{9B}31m", expected: "<U+009B>31m"),  // C1 CSI
        Case(input: "abc\u{202E}def", expected: "abc<U+202E>def"),
        Case(input: "x\u{2066}y", expected: "x<U+2066>y"),
        Case(input: "line\r\nnext", expected: "line\nnext"),
        Case(input: "over\rwrite", expected: "over␍write"),
        Case(input: "end\r", expected: "end␍"),
        Case(input: "\u{7F}", expected: "␡"),
        Case(input: "\u{00}", expected: "␀"),
    ])
    func controlsAreShownInert(_ c: Case) {
        let out = TerminalSanitizer.sanitize(c.input)
        #expect(out == c.expected)
        #expect(!out.unicodeScalars.contains(where: TerminalSanitizer.needsReplacing))
    }

    @Test func everyControlCharacterIsReplaced() {
        var all = ""
        for v in UInt32(0)...0x9F { all.unicodeScalars.append(Unicode.Scalar(v)!) }
        let out = TerminalSanitizer.sanitize(all)
        for scalar in out.unicodeScalars {
            #expect(scalar == "\n" || scalar == "\t" || !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)))
        }
    }

    @Test func oneLineDescriptionFlattensAndSanitises() {
        struct Failure: UserFacingError { var description: String }
        #expect(oneLineDescription(of: Failure(description: "bad\nthing \u{1B}[31m")) == "bad thing ␛[31m")
    }
}
