import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

@Suite("F1 help layout; replies cut at their token limit")
struct HelpAndTokenLimitTests {
    /// Every key and command name appears whole, once, at any width: a name longer than its
    /// column gets a row of its own instead of being cut.
    @Test func helpShowsEveryNameWholeAndEachCommandOnce() {
        for screen in [40, 60, 80, 120] {
            let (_, inner) = HelpView.widths(screen: screen)
            let all = HelpView.rows(inner: inner).map(\.plainText)
            let text = all.joined(separator: "\n")
            // The commands, after the keys and the blank row between them.
            let rows = Array(all[(all.firstIndex(of: "") ?? 0)...])
            for (key, _) in HelpView.keys where DisplayWidth.of(key) <= inner {
                #expect(text.contains(key), "\(screen) columns: \(key)")
            }
            for command in SlashCommand.catalogue {
                let name = "/" + command.name + (command.argument.isEmpty ? "" : " " + command.argument)
                if DisplayWidth.of(name) <= inner {
                    #expect(rows.filter { $0.hasPrefix(name + " ") || $0 == name }.count == 1, "\(screen) columns: \(name)")
                }
                // Counted as a command at the start of a row: /copy (and every other) is listed once.
                #expect(rows.filter { $0.hasPrefix("/" + command.name + " ") || $0 == "/" + command.name }.count == 1,
                        "\(screen) columns: /\(command.name)")
            }
            for row in all { #expect(DisplayWidth.of(row) <= inner, "\(screen) columns: \(row)") }
        }
    }

    @Test func aLongNameGetsItsOwnRowWithItsTextUnderTheColumn() throws {
        let rows = HelpView.rows(inner: 76).map(\.plainText)
        let image = try #require(rows.firstIndex { $0.hasPrefix("/image PROMPT [--steps N") })
        // The name, wider than the screen, wraps on rows of its own; the summary follows under the column.
        let summary = try #require(rows[image...].firstIndex { $0.hasPrefix(String(repeating: " ", count: 24) + "draw a picture") })
        let name = rows[image..<summary].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        let command = try #require(SlashCommand.catalogue.first { $0.name == "image" })
        #expect(name == "/image " + command.argument)
        #expect(summary > image + 1)
    }

    /// Scrolling reaches the last row even when wrapping makes more rows than entries.
    @Test func helpScrollsToTheLastRowOnANarrowScreen() {
        var h = ChatHarness(width: 40, height: 12)
        h.key(.function(1))
        for _ in 0..<40 { h.key(.pageDown) }
        let count = HelpView.lineCount(screenWidth: 40)
        #expect(count > HelpView.keys.count + 1 + SlashCommand.catalogue.count)
        #expect(h.state.helpOffset == count)
        let screen = h.render()
        let shown = (0..<screen.height).map { screen.rowText($0) }.joined(separator: "\n")
        #expect(shown.contains("leave Parley"))
    }

    @Test func aReplyCutAtItsTokenLimitSaysSoInTheNoticeAndTheTranscript() {
        var h = ChatHarness()
        h.type("Tell me a long story")
        h.key(.enter)
        h.send(.turnStarted(conversationID: "20270115-090000-zzzzzz", messageID: "reply1"))
        h.send(.turnText("Once upon a"), at: 1)
        var final = h.state.conversation
        final.messages[1].status = .complete
        final.messages[1].finishReason = "length"
        final.messages[1].usage = TokenUsage(promptTokens: 20, completionTokens: 3)
        h.send(.turnFinished(final), at: 2)
        #expect(h.state.notice?.text == "the reply was cut off at its token limit, after 3 tokens")
        #expect(h.state.notice?.isError == false)
        let screen = h.render()
        let shown = (0..<screen.height).map { screen.rowText($0) }.joined(separator: "\n")
        #expect(shown.contains("[cut off at the token limit]"))

        // A reply that ended by itself says nothing of the kind.
        var other = ChatHarness()
        other.type("hi")
        other.key(.enter)
        other.send(.turnStarted(conversationID: "20270115-090000-yyyyyy", messageID: "reply2"))
        var done = other.state.conversation
        done.messages[1].status = .complete
        done.messages[1].finishReason = "stop"
        other.send(.turnFinished(done), at: 1)
        #expect(other.state.notice == nil)
        let plain = other.render()
        #expect(!(0..<plain.height).map { plain.rowText($0) }.joined().contains("cut off"))
    }
}
