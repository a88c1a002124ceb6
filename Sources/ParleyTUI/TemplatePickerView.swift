/// The template picker overlay: a filter line, then the templates with their kind and description,
/// the chosen one highlighted and kept in view.
enum TemplatePickerView {
    static func draw(_ picker: TemplatePicker, into buffer: inout CellBuffer) -> (x: Int, y: Int)? {
        let width = min(buffer.width - 2, 90)
        let height = max(4, min(buffer.height - 2, picker.templates.count + 5))
        let x = max(0, (buffer.width - width) / 2)
        let y = max(0, (buffer.height - height) / 2)
        Box.draw(x: x, y: y, width: width, height: height, title: "Write · choose a template", into: &buffer)
        let right = x + width - 1
        let end = buffer.write("Filter: ", x: x + 2, y: y + 1, style: CellStyle(.overlayTitle, bold: true), limit: right)
        let shown = picker.filter.visibleRows(width: max(1, right - end - 1), maxRows: 1)
        buffer.write(shown.rows.first ?? "", x: end, y: y + 1, style: CellStyle(.overlay), limit: right)
        let cursor = (x: end + shown.cursorColumn, y: y + 1)
        let templates = picker.visible
        let rows = max(0, height - 4)
        if templates.isEmpty {
            buffer.write(picker.templates.isEmpty ? "no templates were found" : "nothing matches", x: x + 2, y: y + 2, style: CellStyle(.dim), limit: right)
        }
        let nameWidth = min(22, (templates.map { DisplayWidth.of($0.name) }.max() ?? 0) + 2)
        let first = max(0, min(picker.selected - rows / 2, templates.count - rows))
        for (offset, template) in templates.dropFirst(first).prefix(rows).enumerated() {
            let row = y + 2 + offset
            let selected = first + offset == picker.selected
            let style = selected ? CellStyle(.selection, reverse: true) : CellStyle(.overlay)
            if selected { buffer.fill(x: x + 1, y: row, width: width - 2, height: 1, style: style) }
            var column = buffer.write(template.kind.rawValue, x: x + 2, y: row, style: selected ? style : CellStyle(.dim), limit: right)
            column = max(column, x + 12)
            buffer.write(template.name, x: column, y: row, style: selected ? style : CellStyle(.overlay, bold: true), limit: right)
            buffer.write(template.description, x: column + nameWidth, y: row, style: style, limit: right - 1)
        }
        buffer.write("↑↓ choose · type to filter · Enter fills in its form · Esc cancels", x: x + 2, y: y + height - 2, style: CellStyle(.dim), limit: right)
        return cursor
    }
}
