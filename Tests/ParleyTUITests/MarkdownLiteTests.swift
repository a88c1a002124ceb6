import ParleyCore
import Testing

@testable import ParleyTUI

@Suite("Markdown-lite")
struct MarkdownLiteTests {
    func text(_ markdown: String, width: Int = 40) -> [String] {
        MarkdownLite.render(markdown, width: width).map(\.plainText)
    }

    func runs(_ line: String) -> [StyledRun] { MarkdownLite.inline(line) }

    @Test func inlineStyles() {
        let r = runs("a **bold** b *it* c `code` d [link](http://x.y) e")
        #expect(r.map(\.text) == ["a ", "bold", " b ", "it", " c ", "code", " d ", "link", " e"])
        #expect(r[1].style.bold)
        #expect(r[3].style.italic)
        #expect(r[5].style.role == .code)
        #expect(r[7].style.role == .link && r[7].style.underline)
    }

    @Test func unclosedMarkersShowAsWritten() {
        #expect(runs("2 * 3 = 6").map(\.text).joined() == "2 * 3 = 6")
        #expect(runs("**not closed").map(\.text).joined() == "**not closed")
        #expect(runs("snake_case_name").map(\.text).joined() == "snake_case_name")
        #expect(runs("`open").map(\.text).joined() == "`open")
    }

    @Test func headingsListsQuotesAndRules() {
        #expect(text("# Title\n## Sub") == ["Title", "Sub"])
        #expect(text("- one\n* two\n1. three\n  - nested") == ["• one", "• two", "1. three", "  • nested"])
        #expect(text("> quoted") == ["▎ quoted"])
        #expect(text("---", width: 10) == ["──────────"])
    }

    @Test func listItemsHangUnderTheirText() {
        #expect(text("- alpha beta gamma delta", width: 14) == ["• alpha beta", "  gamma delta"])
    }

    @Test func fencedCodeIsFramedAndNotParsed() {
        let lines = MarkdownLite.render("before\n```swift\nlet a = **b**\n```\nafter", width: 40)
        #expect(lines.map(\.plainText) == ["before", "╭─ swift", "│ let a = **b**", "╰─", "after"])
        #expect(lines[2].runs.last?.style.role == .code)
    }

    @Test func streamingPrefixesRenderLikeTheSameFinishedText() {
        // Whatever prefix has arrived, its completed lines render exactly as they do at the end.
        let reply = "# Plan\n\nSome **bold** text and `code`.\n\n- first item\n- second item\n\n```\ncode line\n```\nDone."
        let final = text(reply)
        var prefix = ""
        for character in reply {
            prefix.append(character)
            let partial = text(prefix)
            let completeLines = prefix.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            guard completeLines > 0 else { continue }
            let stable = text(String(prefix[..<prefix.lastIndex(of: "\n")!]))
            #expect(Array(partial.prefix(stable.count)) == stable)
            #expect(Array(final.prefix(stable.count)) == stable)
        }
        #expect(text(reply) == final)
    }

    @Test func anUnclosedFenceFramesTheRest() {
        #expect(text("```\nlet x = 1") == ["╭─", "│ let x = 1"])
    }
}

@Suite("Transcript layout while streaming")
struct TranscriptStreamingLayoutTests {
    @Test func growingAReplyPieceByPieceLaysOutLikeTheWholeText() {
        let reply = "# Plan\n\nSome **bold** and `code`.\n\n```swift\nlet a = 1\n\nlet b = 2\n```\n- item 中文 one\n- item two 👨‍👩‍👧\n\n> quote\nDone.\n"
        let layouts = [30: TranscriptLayout(), 60: TranscriptLayout()]
        var message = Message(id: "r1", role: .assistant, content: "", status: .streaming, model: "m")
        var text = ""
        var pieceLength = 1
        var rest = Substring(reply)
        while !rest.isEmpty {
            let piece = rest.prefix(pieceLength)
            rest = rest.dropFirst(piece.count)
            pieceLength = pieceLength % 7 + 1
            text += piece
            message.content = text
            for width in [30, 60] {
                let incremental = layouts[width]!.lines(for: message, width: width)
                let fresh = TranscriptLayout.layout(message, label: TranscriptLayout.label(message), width: width)
                #expect(incremental == fresh, "after \(text.count) characters at width \(width)")
            }
        }
    }
}
