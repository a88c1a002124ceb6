/// Draws the `/write` form as a framed box over the screen: one row per input (its prompt, a `*`
/// on required ones, the value), then the allowed values of the focused control, what is missing,
/// and the keys. Returns where the cursor goes (in the focused input).
enum WriteFormView {
    static let keysHint = "Tab ↑↓ move · ←→ choose · Enter on the last row or Ctrl-S writes · Esc cancels"

    static func draw(_ form: WriteForm, into buffer: inout CellBuffer) -> (x: Int, y: Int)? {
        let width = min(buffer.width - 2, 78)
        guard width >= 20, buffer.height >= 6 else { return nil }
        let inner = width - 4
        let labelColumn = min(30, max(10, inner * 2 / 5))
        let valueWidth = max(4, inner - labelColumn - 2)

        var footer: [StyledLine] = []
        let focused = form.rows[form.focus]
        if !focused.choices.isEmpty {
            footer += TextWrapper.wrap(
                [StyledRun(focused.name + ": " + focused.choices.joined(separator: ", ") + " (←→ chooses)", CellStyle(.dim))], width: inner)
        } else if focused.isControl {
            let what = focused.name == "audience" ? "who will read it" : "the language to write in"
            footer += TextWrapper.wrap([StyledRun("\(focused.name): \(what); optional", CellStyle(.dim))], width: inner)
        }
        if let problem = form.problem {
            footer += TextWrapper.wrap([StyledRun(problem, CellStyle(.error, bold: true))], width: inner)
        }
        footer += TextWrapper.wrap([StyledRun(keysHint, CellStyle(.dim))], width: inner)

        // Title row, description, blank, rows..., blank, footer; frame adds two.
        let description = TextWrapper.wrap([StyledRun(form.template.description, CellStyle(.overlay))], width: inner).prefix(2)
        let fixed = 2 + description.count + 1 + 1 + footer.count
        let available = max(1, buffer.height - fixed)
        let shown = min(form.rows.count, available)
        // Keep the focused row in view when the rows do not all fit.
        let first = max(0, min(form.focus - shown / 2, form.rows.count - shown))
        let height = min(buffer.height, fixed + shown)
        let x = max(0, (buffer.width - width) / 2)
        let y = max(0, (buffer.height - height) / 2)
        let more = shown < form.rows.count ? " (\(form.focus + 1)/\(form.rows.count))" : ""
        Box.draw(x: x, y: y, width: width, height: height, title: "Write · \(form.template.name)\(more)", into: &buffer)
        let limit = x + width - 1
        var row = y + 1
        for line in description {
            buffer.write(line, x: x + 2, y: row, limit: limit)
            row += 1
        }
        row += 1
        var cursor: (x: Int, y: Int)?
        for index in first..<(first + shown) where row < y + height - 1 {
            let input = form.rows[index]
            let isFocused = index == form.focus
            let isMissing = form.missing.contains(input.name)
            let labelStyle = isMissing ? CellStyle(.error, bold: true) : isFocused ? CellStyle(.overlayTitle, bold: true) : CellStyle(.overlay)
            let label = HelpView.pad((isFocused ? "› " : "  ") + input.prompt + (input.required ? " *" : ""), labelColumn)
            buffer.write(label, x: x + 2, y: row, style: labelStyle, limit: limit)
            let valueX = x + 2 + labelColumn
            let (text, cursorColumn) = visibleValue(input.editor, width: valueWidth)
            let valueStyle = isFocused ? CellStyle(.selection) : CellStyle(.overlay, underline: true)
            buffer.fill(x: valueX, y: row, width: valueWidth, height: 1, style: valueStyle)
            buffer.write(text, x: valueX, y: row, style: valueStyle, limit: valueX + valueWidth)
            if isFocused { cursor = (valueX + cursorColumn, row) }
            row += 1
        }
        row += 1
        for line in footer where row < y + height - 1 {
            buffer.write(line, x: x + 2, y: row, limit: limit)
            row += 1
        }
        return cursor
    }

    /// The value on one line (line breaks shown as ↵), scrolled so the cursor is visible, and the
    /// cursor's column in it.
    static func visibleValue(_ editor: InputEditor, width: Int) -> (String, Int) {
        var characters: [Character] = []
        var cursorIndex = 0
        for (i, line) in editor.lines.enumerated() {
            if i > 0 { characters.append("↵") }
            if i == editor.row { cursorIndex = characters.count + editor.column }
            characters += line
        }
        // Drop characters from the front until the text up to the cursor fits.
        var start = 0
        while start < cursorIndex, DisplayWidth.of(String(characters[start..<cursorIndex])) > width - 1 { start += 1 }
        let visible = String(characters[start...])
        return (visible, DisplayWidth.of(String(characters[start..<cursorIndex])))
    }
}
