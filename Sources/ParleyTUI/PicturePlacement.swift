/// A stored picture wholly on screen: its half-block cells take `columns` × `rows` cells from
/// column `x`, row `y` (0-based), where a graphics protocol may draw the picture itself.
public struct PicturePlacement: Sendable, Equatable {
    public var name: String
    public var x: Int
    public var y: Int
    public var columns: Int
    public var rows: Int

    public init(name: String, x: Int, y: Int, columns: Int, rows: Int) {
        self.name = name
        self.x = x
        self.y = y
        self.columns = columns
        self.rows = rows
    }

    /// The bytes that draw each placement's graphics at its cells: the cursor is saved, moved to
    /// the placement's top left, the picture's escape sequence written (`graphics`, made by the
    /// program's own encoders from decoded pixels; nil leaves the cells as they are), and the
    /// cursor restored, so the screen's idea of it stays right.
    public static func escapes(_ placements: [PicturePlacement], graphics: (PicturePlacement) -> String?) -> String {
        var out = ""
        for placement in placements {
            guard let sequence = graphics(placement), !sequence.isEmpty else { continue }
            out += "\u{1B}7\u{1B}[\(placement.y + 1);\(placement.x + 1)H" + sequence + "\u{1B}8"
        }
        return out
    }
}
