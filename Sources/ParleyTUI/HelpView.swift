/// The help overlay: every key and every slash command.
enum HelpView {
    static let keys: [(String, String)] = [
        ("Enter", "send the message"),
        ("Ctrl-J, Alt-Enter", "new line"),
        ("←→ Home End", "move; Ctrl-←→ by word"),
        ("Ctrl-U / Ctrl-K", "delete to line start / end"),
        ("Ctrl-W", "delete the word before the cursor"),
        ("↑ ↓", "input history; ↑ on empty input edits your last message"),
        ("PgUp PgDn", "scroll (mouse wheel with --mouse); Esc: back to the end"),
        ("Alt-← Alt-→", "page through regenerated replies"),
        ("Tab", "complete a /command"),
        ("F2, Ctrl-B", "conversations: type to filter, Enter opens, Ctrl-R renames, Del trashes"),
        ("Ctrl-N", "new conversation"),
        ("Ctrl-C", "cancel a streaming reply; twice on empty input quits"),
        ("Ctrl-D", "quit (on empty input)"),
        ("F1, ?", "this help (Esc closes)"),
    ]

    static func draw(into buffer: inout CellBuffer) {
        var rows: [StyledLine] = []
        let keyStyle = CellStyle(.overlayTitle, bold: true)
        let width = min(buffer.width - 2, 86)
        let inner = max(1, width - 4)
        let keyColumn = min(20, inner / 3)
        for (key, what) in keys {
            rows += TextWrapper.wrap([StyledRun(what, CellStyle(.overlay))], width: inner, prefix: [StyledRun(pad(key, keyColumn), keyStyle)])
        }
        rows.append(StyledLine())
        for command in SlashCommand.catalogue {
            let name = "/" + command.name + (command.argument.isEmpty ? "" : " " + command.argument)
            rows += TextWrapper.wrap(
                [StyledRun(command.summary, CellStyle(.overlay))], width: inner,
                prefix: [StyledRun(pad(name, keyColumn), keyStyle)])
        }
        let height = min(buffer.height, rows.count + 2)
        let x = max(0, (buffer.width - width) / 2)
        let y = max(0, (buffer.height - height) / 2)
        Box.draw(x: x, y: y, width: width, height: height, title: "Help · Esc closes", into: &buffer)
        for (i, row) in rows.prefix(max(0, height - 2)).enumerated() {
            buffer.write(row, x: x + 2, y: y + 1 + i, limit: x + width - 1)
        }
    }

    /// Pads (or cuts) text to a number of columns.
    static func pad(_ text: String, _ columns: Int) -> String {
        var out = ""
        var used = 0
        for c in text {
            let w = DisplayWidth.of(c)
            if used + w > columns - 1 { break }
            out.append(c)
            used += w
        }
        return out + String(repeating: " ", count: max(0, columns - used))
    }
}
