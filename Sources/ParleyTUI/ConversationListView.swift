import Foundation

/// The conversation list overlay: a filter line, then the conversations newest first.
enum ConversationListView {
    static func draw(_ list: ConversationListState, current: String, into buffer: inout CellBuffer) -> (x: Int, y: Int)? {
        let width = min(buffer.width - 2, 100)
        let height = max(4, buffer.height - 2)
        let x = max(0, (buffer.width - width) / 2)
        let y = max(0, (buffer.height - height) / 2)
        let title = list.searchQuery.map { "Search: \($0)" } ?? "Conversations"
        Box.draw(x: x, y: y, width: width, height: height, title: title, into: &buffer)
        let inner = width - 4
        let right = x + width - 1
        var cursor: (x: Int, y: Int)?
        if let renaming = list.renaming {
            let end = buffer.write("Rename: ", x: x + 2, y: y + 1, style: CellStyle(.overlayTitle, bold: true), limit: right)
            let shown = renaming.visibleRows(width: max(1, right - end - 1), maxRows: 1)
            buffer.write(shown.rows.first ?? "", x: end, y: y + 1, style: CellStyle(.overlay, underline: true), limit: right)
            cursor = (end + shown.cursorColumn, y + 1)
        } else {
            let end = buffer.write("Filter: ", x: x + 2, y: y + 1, style: CellStyle(.overlayTitle, bold: true), limit: right)
            let shown = list.filter.visibleRows(width: max(1, right - end - 1), maxRows: 1)
            buffer.write(shown.rows.first ?? "", x: end, y: y + 1, style: CellStyle(.overlay), limit: right)
            cursor = (end + shown.cursorColumn, y + 1)
        }
        let entries = list.visibleEntries
        let rowsAvailable = max(0, height - 4)
        if list.isLoading {
            buffer.write("loading…", x: x + 2, y: y + 2, style: CellStyle(.dim), limit: right)
        } else if entries.isEmpty {
            buffer.write(list.entries.isEmpty ? "no conversations yet" : "nothing matches", x: x + 2, y: y + 2, style: CellStyle(.dim), limit: right)
        }
        let first = max(0, min(list.selected - rowsAvailable / 2, entries.count - rowsAvailable))
        for (offset, entry) in entries.dropFirst(first).prefix(rowsAvailable).enumerated() {
            let index = first + offset
            let row = y + 2 + offset
            let selected = index == list.selected
            var style = CellStyle(.overlay)
            if selected { style = CellStyle(.selection, reverse: true) }
            if selected { buffer.fill(x: x + 1, y: row, width: width - 2, height: 1, style: style) }
            let marker = entry.id == current ? "● " : "  "
            let date = ConversationListView.dateText(entry.updatedAt)
            let meta = "  \(entry.messageCount) msg · \(date)"
            let metaWidth = DisplayWidth.of(meta)
            var text = entry.title
            if let snippet = entry.snippet { text += " — " + snippet }
            let end = buffer.write(marker + text.split(whereSeparator: \.isNewline).joined(separator: " "), x: x + 2, y: row, style: style, limit: max(x + 2, right - metaWidth - 1))
            _ = end
            if inner > metaWidth + 10 {
                buffer.write(meta, x: right - metaWidth - 1, y: row, style: selected ? style : CellStyle(.dim), limit: right)
            }
        }
        let help = "Enter open · Ctrl-N new · Ctrl-R rename · Del trash · Esc close"
        buffer.write(help, x: x + 2, y: y + height - 2, style: CellStyle(.dim), limit: right)
        return cursor
    }

    static func dateText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
