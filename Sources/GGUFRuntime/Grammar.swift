/// A GBNF grammar (llama.cpp's grammar language), read and checked, ready for a `GrammarMatcher`.
///
/// Supported: rules `name ::= ...` (names of letters, digits and `-`), alternatives `|`, groups,
/// `*` `+` `?` `{m}` `{m,}` `{m,n}`, string literals and character classes (`[a-z]`, `[^...]`)
/// with the escapes `\n \r \t \\ \" \[ \] \- \xHH \uHHHH \UHHHHHHHH`, `.` for any character,
/// `#` comments, rules over several lines (inside parentheses or after `|`), UTF-8 throughout.
/// Not supported: llama.cpp's `<token>` references.
///
/// Limits, so a hostile grammar cannot take the machine: 1 MiB of text, counts up to 2000 (as
/// llama.cpp), nested repetitions up to 2000 made-up rules (as llama.cpp), 2^20 elements after
/// writing repetitions out, groups 100 deep.
public struct Grammar: Sendable {
    /// Every rule's elements, one after another; positions in here are what parse stacks hold.
    let elements: [GrammarElement]
    /// Where each rule's elements begin in `elements`.
    let ruleStarts: [Int32]
    /// Every rule's name (made-up rules for groups and repetitions are `owner_N`).
    let ruleNames: [String]
    /// The rule generation starts from.
    let rootRule: Int
    /// The name of the start rule.
    public let root: String

    /// Reads `gbnf`. Throws `GrammarError` for a syntax error, a rule used but not defined, a
    /// rule defined twice, no `root` rule, left recursion, or a grammar beyond the limits.
    public init(gbnf: String, root: String = "root") throws(GrammarError) {
        var parser = try GrammarParser(text: gbnf)
        try parser.parseRules()
        if let undefined = parser.undefinedRule() { throw undefined }
        guard let rootRule = parser.symbolIDs[root], parser.rules[rootRule] != nil else {
            throw .missingRoot(root)
        }
        if let recursion = parser.leftRecursion() { throw recursion }
        var elements: [GrammarElement] = []
        elements.reserveCapacity(parser.storedElements)
        var starts: [Int32] = []
        starts.reserveCapacity(parser.rules.count)
        for rule in parser.rules {
            starts.append(Int32(elements.count))
            elements.append(contentsOf: rule!.elements)
        }
        self.elements = elements
        self.ruleStarts = starts
        self.ruleNames = parser.names
        self.rootRule = rootRule
        self.root = root
    }

    /// How many rules there are, made-up ones (groups, repetitions) included.
    public var ruleCount: Int { ruleStarts.count }

    /// The rules in GBNF again, made-up rules included (as llama.cpp prints them), for debugging.
    public var expandedDescription: String {
        var lines: [String] = []
        for (rule, start) in ruleStarts.enumerated() {
            var text = "\(ruleNames[rule]) ::="
            var i = Int(start)
            while elements[i].kind != .end {
                let element = elements[i]
                switch element.kind {
                case .alternate: text += " |"
                case .ruleReference: text += " \(ruleNames[Int(element.value)])"
                case .char, .charNot, .charAny:
                    var run = element.kind == .charAny ? "." : element.kind == .charNot ? "[^" : "["
                    if element.kind != .charAny { run += Self.show(element.value) }
                    while elements[i + 1].kind == .charAlternate || elements[i + 1].kind == .charRangeUpper {
                        i += 1
                        run += (elements[i].kind == .charRangeUpper ? "-" : "") + Self.show(elements[i].value)
                    }
                    text += " " + run + (element.kind == .charAny ? "" : "]")
                case .end, .charAlternate, .charRangeUpper: break
                }
                i += 1
            }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }

    private static func show(_ value: UInt32) -> String {
        if value >= 0x20 && value < 0x7F && value != 0x5D && value != 0x5C && value != 0x2D {
            return String(UnicodeScalar(UInt8(value)))
        }
        let hex = String(value, radix: 16, uppercase: true)
        return "\\U" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}
