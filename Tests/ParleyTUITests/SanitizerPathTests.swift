import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// Everything drawn reaches the cell buffer through the sanitiser: replies, titles, model names,
/// error text and typed input. Nothing a terminal could act on may end up in a cell.
@Suite("Sanitiser path")
struct SanitizerPathTests {
    static let payloads = [
        "\u{1B}[2J\u{1B}[H", "\u{1B}]0;pwned title\u{07}", "\u{1B}]8;;http://evil.example/\u{1B}\\click\u{1B}]8;;\u{1B}\\",
        "\u{1B}]52;c;aGVsbG8=\u{07}", "\u{1B}[10;10H", "\u{1B}[6n", "\u{1B}P+q544e\u{1B}\\", "\u{9B}31mred", "\u{9D}0;t\u{9C}",
        "\u{1B}[?1049l", "\u{1B}c", "back\u{08}\u{08}\u{08}\u{08}space", "carriage\rreturn", "bell\u{07}",
        "\u{202E}reversed\u{202C}", "\u{2066}isolate\u{2069}",
    ]

    static var everyControl: String {
        var text = ""
        for value in 0..<0x20 where value != 0x0A { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        text.unicodeScalars.append(Unicode.Scalar(0x7F))
        for value in 0x80...0x9F { text.unicodeScalars.append(Unicode.Scalar(UInt32(value))!) }
        return text
    }

    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    func assertInert(_ buffer: CellBuffer, _ context: String) {
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                for scalar in buffer[x, y].text.unicodeScalars where SanitizerPathTests.isDangerous(scalar) {
                    Issue.record("\(context): U+\(String(scalar.value, radix: 16)) at \(x),\(y)")
                }
            }
        }
    }

    @Test func aHostileReplyLeavesOnlyInertCells() {
        let hostile = SanitizerPathTests.payloads.joined(separator: "\n") + "\n" + SanitizerPathTests.everyControl
        var messages = [
            ChatHarness.message(.user, "show me " + SanitizerPathTests.everyControl, index: 0),
            ChatHarness.message(.assistant, hostile, status: .failed, error: "server said \u{1B}[31mno\u{07}", index: 1),
        ]
        messages[1].model = "evil\u{1B}]0;model\u{07}"
        for width in [30, 100] {
            var h = ChatHarness(width: width, height: 60, messages: messages, title: "title\u{1B}[2J\u{9B}")
            h.send(.error("bad \u{1B}[H error \u{07}"))
            h.send(.input(.paste("pasted \u{1B}[6n \u{9B}1m")))
            let buffer = h.render()
            assertInert(buffer, "width \(width)")
            let all = buffer.textRows.joined(separator: "\n")
            #expect(all.contains("␛"))
            #expect(all.contains("<U+202E>"))
            #expect(all.contains("<U+009B>"))
            // The list overlay and help draw titles too.
            h.send(.input(.key(.function(2))))
            h.send(.conversationsListed([ConversationListEntry(id: "x", title: "list \u{1B}]52;c;AA==\u{07}", updatedAt: Date(), messageCount: 1, snippet: "\u{1B}[2J")]))
            assertInert(h.render(), "list at width \(width)")
        }
    }

    @Test func directWritesAreSanitisedToo() {
        var buffer = CellBuffer(width: 40, height: 2)
        buffer.write(SanitizerPathTests.everyControl, x: 0, y: 0, style: .plain)
        buffer.write(StyledLine("\u{1B}[2J"), x: 0, y: 1)
        assertInert(buffer, "direct")
        #expect(buffer.rowText(1).hasPrefix("␛[2J"))
    }
}
