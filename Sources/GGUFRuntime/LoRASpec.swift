/// A LoRA adapter file and the scale to apply it at, as a user writes it: `FILE[:SCALE]`.
public struct LoRASpec: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let scale: Float

    public init(path: String, scale: Float = 1) {
        self.path = path
        self.scale = scale
    }

    /// `FILE` (scale 1) or `FILE:SCALE`. The text after the last colon is the scale only when it
    /// reads as a number, so a path with colons in it still works.
    public init(parsing text: String) throws {
        if let colon = text.lastIndex(of: ":"), colon != text.startIndex {
            let tail = text[text.index(after: colon)...]
            if let scale = Float(tail) {
                guard scale.isFinite else { throw LoRAError.invalidScale(String(tail)) }
                self.init(path: String(text[..<colon]), scale: scale)
                return
            }
        }
        self.init(path: text)
    }

    public var description: String { "\(path):\(scale)" }
}
