/// An instruction cut into literal text and `{{name}}` placeholders.
///
/// Only `{{` + optional spaces + a name of letters, digits, `-` or `_` + optional spaces + `}}` is a
/// placeholder; any other braces are literal text (code templates may mention `{{` themselves).
/// Filling substitutes in one pass, so a value that itself contains `{{x}}` (a diff, some code) is
/// inserted as it is and never expanded.
public struct PlaceholderText: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    public var segments: [Segment]

    public init(_ text: String) {
        var segments: [Segment] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            literal += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let (name, end) = Self.placeholder(in: after) {
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                segments.append(.placeholder(name))
                rest = after[end...]
            } else {
                literal += "{{"
                rest = after
            }
        }
        literal += rest
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// The placeholder names in order of first use, without repeats.
    public var names: [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for case .placeholder(let name) in segments where seen.insert(name).inserted { names.append(name) }
        return names
    }

    /// The text with each placeholder replaced by `value(name)`.
    public func rendered(_ value: (String) -> String) -> String {
        segments.map { segment in
            switch segment {
            case .literal(let text): return text
            case .placeholder(let name): return value(name)
            }
        }.joined()
    }

    /// Reads ` name }}` at the start of `text`: the name and where the text after `}}` starts.
    private static func placeholder(in text: Substring) -> (String, Substring.Index)? {
        var index = text.startIndex
        func skipSpaces() { while index < text.endIndex, text[index] == " " { index = text.index(after: index) } }
        skipSpaces()
        let nameStart = index
        while index < text.endIndex, isNameCharacter(text[index]) { index = text.index(after: index) }
        let name = String(text[nameStart..<index])
        skipSpaces()
        guard !name.isEmpty, text[index...].hasPrefix("}}") else { return nil }
        return (name, text.index(index, offsetBy: 2))
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_")
    }
}
