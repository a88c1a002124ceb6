/// The help overlay: every key and every slash command, scrollable when the screen is short.
enum HelpView {
    static let keys: [(String, String)] = [
        ("Enter", "send the message"),
        ("Ctrl-J, Alt-Enter", "new line"),
        ("←→ Home End", "move; Ctrl-←→ by word"),
        ("Backspace Delete", "delete a character"),
        ("Ctrl-U / Ctrl-K", "delete to line start / end"),
        ("Ctrl-W", "delete the word before the cursor"),
        ("↑ ↓", "input history; ↑ on empty input edits your last message"),
        ("PgUp PgDn", "scroll (mouse wheel with --mouse); Esc: back to the end"),
        ("Alt-← Alt-→", "page through regenerated replies"),
        ("Alt-↑ Alt-↓", "move the reply cursor ▸ to an earlier / later reply (for /rate, /prefer, /ideal); Esc: back to the last"),
        ("Alt-= Alt--", "rate the reply under the cursor (or the last) up / down"),
        ("Tab", "complete a /command (in decide mode also option and criterion names)"),
        ("F2, Ctrl-B", "conversations: type to filter, Enter opens, Ctrl-R renames, Del trashes"),
        ("F3", "decide and write modes: the panel full screen, and back"),
        ("Alt-PgUp Alt-PgDn", "write mode: the previous / next version of the draft"),
        ("/write form", "Tab ↑↓ move between fields, ←→ choose a tone or length, Ctrl-S or Enter on the last field writes, Esc cancels"),
        ("write mode", "every message asks for a revision of the draft (\u{201C}shorter\u{201D}); it becomes the next version"),
        ("Ctrl-N", "new conversation"),
        ("Ctrl-T", "show or hide replies' reasoning (/think)"),
        ("Ctrl-C", "cancel a streaming reply or a picture being drawn; twice on empty input quits"),
        ("Ctrl-D", "quit (on empty input)"),
        ("F1, ?", "this help (↑↓ scroll, Esc closes)"),
    ]

    /// The box's width and the width of the text inside it, on a screen this wide.
    static func widths(screen: Int) -> (box: Int, inner: Int) {
        let box = min(screen - 2, 90)
        return (box, max(1, box - 4))
    }

    /// The number of rows of help text on a screen this wide, for clamping the scroll offset.
    static func lineCount(screenWidth: Int) -> Int { rows(inner: widths(screen: screenWidth).inner).count }

    /// The help text, laid out `inner` columns wide: a column of keys and command names, and what
    /// each does beside it. A name too long for its column (`Ctrl-J, Alt-Enter` on a narrow
    /// screen, `/image PROMPT [...]`) gets a row of its own, whole, and its description starts on
    /// the next row, under the column.
    static func rows(inner: Int) -> [StyledLine] {
        var rows: [StyledLine] = []
        let keyStyle = CellStyle(.overlayTitle, bold: true)
        let keyColumn = min(24, inner / 3)
        func add(_ name: String, _ what: String) {
            let text = [StyledRun(what, CellStyle(.overlay))]
            if DisplayWidth.of(name) < keyColumn {
                rows += TextWrapper.wrap(text, width: inner, prefix: [StyledRun(pad(name, keyColumn), keyStyle)])
            } else {
                rows += TextWrapper.wrap([StyledRun(name, keyStyle)], width: inner)
                rows += TextWrapper.wrap(text, width: inner, prefix: [StyledRun(String(repeating: " ", count: keyColumn), keyStyle)])
            }
        }
        for (key, what) in keys { add(key, what) }
        rows.append(StyledLine())
        for command in SlashCommand.catalogue {
            add("/" + command.name + (command.argument.isEmpty ? "" : " " + command.argument), command.summary)
        }
        return rows
    }

    static func draw(offset: Int, into buffer: inout CellBuffer) {
        let (width, inner) = widths(screen: buffer.width)
        let rows = rows(inner: inner)
        let height = min(buffer.height, rows.count + 2)
        let visibleRows = max(0, height - 2)
        let first = max(0, min(offset, rows.count - visibleRows))
        let x = max(0, (buffer.width - width) / 2)
        let y = max(0, (buffer.height - height) / 2)
        let more = rows.count > visibleRows ? " (↑↓ \(first + visibleRows)/\(rows.count))" : ""
        Box.draw(x: x, y: y, width: width, height: height, title: "Help · Esc closes" + more, into: &buffer)
        for (i, row) in rows.dropFirst(first).prefix(visibleRows).enumerated() {
            buffer.write(row, x: x + 2, y: y + 1 + i, limit: x + width - 1)
        }
    }

    /// Pads text to a number of columns, leaving at least one space after it (text that does not
    /// fit is cut; the help gives such text a row of its own instead).
    static func pad(_ text: String, _ columns: Int) -> String {
        let (kept, used) = DisplayWidth.prefix(text, fitting: columns - 1)
        return kept + String(repeating: " ", count: max(0, columns - used))
    }
}
