/// One 24-bit colour: a decoded picture's pixel, and a cell's own colour in the chat screen (a
/// picture's cells, which no theme can name). The terminal adapter shows it as it is, as the
/// nearest of 256 colours, or not at all.
public struct RGB: Sendable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour number to give a terminal with `colorCount` colours: the packed RGB value on a
    /// direct-colour terminal (terminfo `xterm-direct` and the like report 2^24 colours), the
    /// nearest palette index on a 256-colour one, nil with fewer (the cell keeps its role's look).
    public func terminalColor(colorCount: Int) -> Int? {
        if colorCount >= 1 << 24 { return Int(red) << 16 | Int(green) << 8 | Int(blue) }
        if colorCount >= 256 { return Int(XtermPalette.nearest(red: red, green: green, blue: blue)) }
        return nil
    }
}
