/// A picture's size in pixels, as `--size 512x768` writes it.
public struct ImageSize: Sendable, Equatable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// What generators accept: 64 to 2048 pixels a side.
    public static let allowedSides = 64...2048

    /// Reads `WxH` (`x` or `×`); nil when it is not that or a side is outside `allowedSides`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" })
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
            Self.allowedSides.contains(width), Self.allowedSides.contains(height)
        else { return nil }
        self.init(width: width, height: height)
    }

    public var description: String { "\(width)x\(height)" }
}
