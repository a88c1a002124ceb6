import ParleyCore

/// One cell of the screen: a grapheme cluster and its style. A wide glyph occupies its cell and
/// the next one, which holds an empty `text` (a continuation).
public struct Cell: Sendable, Equatable {
    public var text: String
    public var style: CellStyle

    public init(_ text: String = " ", _ style: CellStyle = .plain) {
        self.text = text
        self.style = style
    }

    public var isContinuation: Bool { text.isEmpty }
}

/// The whole screen as values: what views draw into and what the terminal adapter copies out.
///
/// All text enters through `write`, which passes it through `TerminalSanitizer` first, so no cell
/// can ever hold a control character, an escape sequence or a bidi override.
public struct CellBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, style: CellStyle = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(" ", style), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Fills a rectangle with blanks in a style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: CellStyle) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { put(Cell(" ", style), x: column, y: row) }
        }
    }

    /// Writes text on one row from column `x`, clipped at `limit` (default: the right edge).
    /// Newlines and tabs become spaces. Returns the column after the last cell written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: CellStyle, limit: Int? = nil) -> Int {
        let end = min(limit ?? width, width)
        guard y >= 0, y < height, x < end else { return x }
        var column = x
        for character in TerminalSanitizer.sanitize(text) {
            var glyph = character
            if glyph == "\n" || glyph == "\t" || glyph == "\r\n" { glyph = " " }
            let columns = DisplayWidth.of(glyph)
            if columns == 0 {
                // A combining mark (or a joiner) joins the cell before it on this row, also when
                // that cell came from an earlier write (a styled run ending mid-grapheme); one with
                // nothing before it at the row's start is dropped.
                if column > 0, column - 1 < width {
                    var target = column - 1
                    if self[target, y].isContinuation, target > 0 { target -= 1 }
                    var cell = self[target, y]
                    cell.text.append(glyph)
                    cells[y * width + target] = cell
                }
                continue
            }
            if column + columns > end {
                if columns == 2 && column < end && column >= 0 { put(Cell(" ", style), x: column, y: y) }
                return end
            }
            if column >= 0 {
                put(Cell(String(glyph), style), x: column, y: y)
                if columns == 2 { put(Cell("", style), x: column + 1, y: y) }
            }
            column += columns
        }
        return column
    }

    /// Writes a laid-out line.
    @discardableResult
    public mutating func write(_ line: StyledLine, x: Int, y: Int, limit: Int? = nil) -> Int {
        var column = x
        for run in line.runs { column = write(run.text, x: column, y: y, style: run.style, limit: limit) }
        return column
    }

    /// Sets a cell, blanking the other half of any wide glyph it overwrites.
    mutating func put(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, x > 0, !cell.isContinuation {
            cells[index - 1] = Cell(" ", cells[index - 1].style)
        }
        if !old.isContinuation, x + 1 < width, cells[index + 1].isContinuation, DisplayWidth.of(old.text) == 2 {
            cells[index + 1] = Cell(" ", cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// The text of one row (continuation cells contribute nothing), for snapshots and tests.
    public func rowText(_ y: Int) -> String {
        var out = ""
        for x in 0..<width { out += self[x, y].text }
        return out
    }

    /// Every row as text, trailing blanks kept, so a snapshot shows the exact geometry.
    public var textRows: [String] { (0..<height).map(rowText) }
}
