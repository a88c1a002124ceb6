import Foundation

/// The multi-line input at the bottom of the chat screen, as a value.
///
/// Text is kept as lines of grapheme clusters, so cursor moves, deletion and wrapping never split a
/// character (an emoji, a CJK ideograph, a letter with accents). Every edit is local to the cursor's
/// line, so a megabyte paste costs its size once and each later key press stays cheap.
public struct InputEditor: Sendable, Equatable {
    public private(set) var lines: [[Character]] = [[]]
    /// The cursor: a line index and a position (in characters) within that line.
    public private(set) var row = 0
    public private(set) var column = 0
    /// Total characters, kept up to date so the size check never walks the text.
    public private(set) var characterCount = 0

    public init(_ text: String = "") {
        if !text.isEmpty { insert(text) }
    }

    public var isEmpty: Bool { characterCount == 0 && lines.count == 1 }
    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    public var isOnFirstLine: Bool { row == 0 }
    public var isOnLastLine: Bool { row == lines.count - 1 }
    /// The first line, without building the whole text (for slash-command checks).
    public var firstLine: String { String(lines[0]) }

    /// UTF-8 size of the text, computed on demand (only when sending or showing a size).
    public var byteCount: Int {
        lines.reduce(lines.count - 1) { total, line in total + line.reduce(0) { $0 + $1.utf8.count } }
    }

    public mutating func clear() { self = InputEditor() }

    public mutating func set(_ text: String) {
        self = InputEditor(text)
    }

    /// Inserts text at the cursor: a typed character or a whole paste. CR LF and CR become newlines.
    public mutating func insert(_ text: String) {
        let normalised = text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
        var pieces = normalised.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        if pieces.isEmpty { return }
        let tail = Array(lines[row][column...])
        lines[row].removeSubrange(column...)
        let first = pieces.removeFirst()
        lines[row].append(contentsOf: first)
        characterCount += first.count
        if pieces.isEmpty {
            column = lines[row].count
            lines[row].append(contentsOf: tail)
            return
        }
        for piece in pieces { characterCount += piece.count }
        let last = pieces.count - 1
        let endColumn = pieces[last].count
        pieces[last].append(contentsOf: tail)
        lines.insert(contentsOf: pieces, at: row + 1)
        row += pieces.count
        column = endColumn
    }

    public mutating func insert(_ character: Character) {
        if character == "\n" || character == "\r" || character == "\r\n" {
            newline()
            return
        }
        lines[row].insert(character, at: column)
        column += 1
        characterCount += 1
    }

    public mutating func newline() {
        let tail = Array(lines[row][column...])
        lines[row].removeSubrange(column...)
        lines.insert(tail, at: row + 1)
        row += 1
        column = 0
    }

    public mutating func backspace() {
        if column > 0 {
            lines[row].remove(at: column - 1)
            column -= 1
            characterCount -= 1
        } else if row > 0 {
            let line = lines.remove(at: row)
            row -= 1
            column = lines[row].count
            lines[row].append(contentsOf: line)
        }
    }

    public mutating func deleteForward() {
        if column < lines[row].count {
            lines[row].remove(at: column)
            characterCount -= 1
        } else if row + 1 < lines.count {
            let next = lines.remove(at: row + 1)
            lines[row].append(contentsOf: next)
        }
    }

    public mutating func moveLeft() {
        if column > 0 { column -= 1 } else if row > 0 { row -= 1; column = lines[row].count }
    }

    public mutating func moveRight() {
        if column < lines[row].count { column += 1 } else if row + 1 < lines.count { row += 1; column = 0 }
    }

    /// Moves up a line; false when already on the first line (the caller may then recall history).
    @discardableResult
    public mutating func moveUp() -> Bool {
        guard row > 0 else { return false }
        row -= 1
        column = min(column, lines[row].count)
        return true
    }

    @discardableResult
    public mutating func moveDown() -> Bool {
        guard row + 1 < lines.count else { return false }
        row += 1
        column = min(column, lines[row].count)
        return true
    }

    public mutating func moveHome() { column = 0 }
    public mutating func moveEnd() { column = lines[row].count }
    public mutating func moveToEndOfText() { row = lines.count - 1; column = lines[row].count }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    public mutating func moveWordLeft() {
        if column == 0 { moveLeft(); return }
        let line = lines[row]
        while column > 0 && !InputEditor.isWordCharacter(line[column - 1]) { column -= 1 }
        while column > 0 && InputEditor.isWordCharacter(line[column - 1]) { column -= 1 }
    }

    public mutating func moveWordRight() {
        if column == lines[row].count { moveRight(); return }
        let line = lines[row]
        while column < line.count && !InputEditor.isWordCharacter(line[column]) { column += 1 }
        while column < line.count && InputEditor.isWordCharacter(line[column]) { column += 1 }
    }

    /// Ctrl-U: deletes from the start of the line to the cursor.
    public mutating func deleteToLineStart() {
        characterCount -= column
        lines[row].removeSubrange(0..<column)
        column = 0
    }

    /// Ctrl-K: deletes from the cursor to the end of the line (or joins the next line at the end).
    public mutating func deleteToLineEnd() {
        if column == lines[row].count { deleteForward(); return }
        characterCount -= lines[row].count - column
        lines[row].removeSubrange(column...)
    }

    /// Ctrl-W: deletes the word before the cursor (and the spaces after it).
    public mutating func deleteWordBackward() {
        if column == 0 { backspace(); return }
        let end = column
        let line = lines[row]
        var start = column
        while start > 0 && line[start - 1] == " " { start -= 1 }
        while start > 0 && line[start - 1] != " " { start -= 1 }
        lines[row].removeSubrange(start..<end)
        characterCount -= end - start
        column = start
    }

    /// The rows to show in a box `width` columns wide and at most `maxRows` high, keeping the
    /// cursor visible, and where the cursor is in them. Lines wrap between characters.
    /// Only the lines around the cursor are laid out, and within a very long line only a window
    /// around the cursor, so the cost does not grow with the size of the text.
    public func visibleRows(width: Int, maxRows: Int) -> (rows: [String], cursorRow: Int, cursorColumn: Int, totalRowsAtLeast: Int) {
        let width = max(1, width)
        let maxRows = max(1, maxRows)
        // Wrapped rows of the cursor line, and the cursor's place in them.
        let cursorLine = InputEditor.wrap(lines[row], width: width, focus: column)
        var above: [String] = []
        var index = row - 1
        while above.count < maxRows && index >= 0 {
            above.insert(contentsOf: InputEditor.wrap(lines[index], width: width, focus: nil).rows, at: 0)
            index -= 1
        }
        var below: [String] = []
        index = row + 1
        while below.count < maxRows && index < lines.count {
            below += InputEditor.wrap(lines[index], width: width, focus: nil).rows
            index += 1
        }
        let all = above + cursorLine.rows + below
        let cursorAt = above.count + cursorLine.cursorRow
        let total = all.count
        // Keep the cursor on screen, preferring to show the end of the text.
        var start = max(0, min(total - maxRows, cursorAt))
        start = max(start, cursorAt - maxRows + 1)
        let rows = Array(all[start..<min(total, start + maxRows)])
        return (rows, cursorAt - start, cursorLine.cursorColumn, total)
    }

    /// Character-wrapped rows of one line; with `focus`, also the cursor's row and column. Lines
    /// longer than `window` characters are laid out only around the focus (or their start).
    static func wrap(_ line: [Character], width: Int, focus: Int?, window: Int = 4096) -> (rows: [String], cursorRow: Int, cursorColumn: Int) {
        var start = 0
        var end = line.count
        if line.count > window {
            let anchor = focus ?? 0
            start = max(0, (anchor / window) * window - window / 2)
            end = min(line.count, start + window * 2)
        }
        var rows: [String] = []
        var current = ""
        var used = 0
        var cursorRow = 0
        var cursorColumn = 0
        for i in start..<end {
            if i == focus { cursorRow = rows.count; cursorColumn = used }
            let character = line[i]
            var w = DisplayWidth.of(character)
            var shown = character
            if character == "\t" { shown = " "; w = 1 }
            if used + w > width && used > 0 {
                rows.append(current)
                current = ""
                used = 0
                if i == focus { cursorRow = rows.count; cursorColumn = 0 }
            }
            current.append(shown)
            used += w
        }
        if focus == end || (focus != nil && focus! >= end) {
            if used >= width {
                rows.append(current)
                current = ""
                used = 0
            }
            cursorRow = rows.count
            cursorColumn = used
        }
        rows.append(current)
        return (rows, cursorRow, cursorColumn)
    }
}
