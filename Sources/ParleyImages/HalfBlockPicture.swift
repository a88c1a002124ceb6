import ParleyCore

/// A picture as terminal cells: each cell is "▀" with the upper pixel as its foreground colour
/// and the lower pixel as its background colour.
public struct HalfBlockPicture: Sendable, Equatable {
    /// One cell's two pixels.
    public struct Cell: Sendable, Equatable {
        public var upper: RGB
        public var lower: RGB

        public init(upper: RGB, lower: RGB) {
            self.upper = upper
            self.lower = lower
        }
    }

    /// The glyph every cell shows: the upper half block.
    public static let glyph = "\u{2580}"

    public let columns: Int
    public let rows: Int
    /// Row after row from the top, `columns * rows` cells.
    public let cells: [Cell]

    public init(columns: Int, rows: Int, cells: [Cell]) {
        precondition(cells.count == columns * rows, "a half-block picture needs columns × rows cells")
        self.columns = columns
        self.rows = rows
        self.cells = cells
    }

    public subscript(column: Int, row: Int) -> Cell { cells[row * columns + column] }
}
