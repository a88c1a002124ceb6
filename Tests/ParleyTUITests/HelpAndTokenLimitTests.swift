import Foundation
import Testing

@testable import ParleyTUI

@Suite("F1 help layout")
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
        let image = try #require(rows.firstIndex { $0.hasPrefix("/image PROMPT [--steps N --seed N --size WxH --negative TEXT]") })
        #expect(rows[image] == "/image PROMPT [--steps N --seed N --size WxH --negative TEXT]")
        #expect(rows[image + 1].hasPrefix(String(repeating: " ", count: 24) + "draw a picture"))
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
}
