/// GBNF for a string whose content matches a `pattern`, for the regular-expression subset
/// llama.cpp converts, read the way llama.cpp reads it.
///
/// The subset: the pattern anchored with `^` and `$`, literals, `.` (not CR or LF), character
/// classes copied as they are (only the escapes GBNF understands), groups and `(?:...)`, `|`,
/// and `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`, `{,n}`. Anything else (shorthands like `\d`,
/// lookaround, inner anchors, an unanchored pattern) is an error here. llama.cpp instead falls back to
/// "any string" for those, which would silently ignore the pattern.
///
/// llama.cpp gathers runs of literal characters greedily, stopping before a character that a
/// quantifier follows. An escaped character joins the run regardless, so in `ab\.?` the `?`
/// applies to all of "ab.", and in `ab"?` to all of `ab"`. That reading is kept, so the
/// grammar accepts what llama-server's does.
struct PatternGrammar {
    struct Failure: Error {
        let reason: String
    }

    private enum Item {
        /// GBNF literal content, already escaped.
        case literal(String)
        /// A GBNF expression usable as one operand; `quantified` when it already ends with one.
        case expression(String, quantified: Bool)
        case alternation
    }

    private static let maximumGroupDepth = 100
    /// Characters that end a literal run.
    private static let special: Set<Unicode.Scalar> = ["|", ".", "(", ")", "[", "]", "{", "}", "*", "+", "?", "^", "$"]
    /// Escaped in a regular expression, plain in a GBNF literal.
    private static let plainWhenEscaped: Set<Unicode.Scalar> = ["^", "$", ".", "[", "]", "(", ")", "|", "{", "}", "*", "+", "?"]

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    /// The rule body for a JSON string (quotes included) whose content matches `pattern`.
    static func body(for pattern: String) throws(Failure) -> String {
        let all = Array(pattern.unicodeScalars)
        guard all.count >= 2, all.first == "^", all.last == "$" else {
            throw Failure(reason: "it is not anchored with '^' and '$'")
        }
        var converter = PatternGrammar(scalars: Array(all[1..<(all.count - 1)]))
        let content = try converter.sequence()
        guard converter.depth == 0 else { throw Failure(reason: "unbalanced parentheses") }
        return #""\"" ("# + content + #") "\"""#
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    /// Reads up to the end of the current group (its ')' consumed) or of the pattern.
    private mutating func sequence() throws(Failure) -> String {
        var items: [Item] = []
        while position < scalars.count {
            let c = scalars[position]
            switch c {
            case ".":
                items.append(.expression(#"[^\x0A\x0D]"#, quantified: false))
                position += 1
            case "(":
                position += 1
                if position < scalars.count, scalars[position] == "?" {
                    guard position + 1 < scalars.count, scalars[position + 1] == ":" else {
                        throw Failure(reason: "unsupported group syntax '(?'")
                    }
                    position += 2
                }
                depth += 1
                guard depth <= PatternGrammar.maximumGroupDepth else { throw Failure(reason: "groups nested too deep") }
                items.append(.expression("(" + (try sequence()) + ")", quantified: false))
            case ")":
                position += 1
                guard depth > 0 else { throw Failure(reason: "unbalanced parentheses") }
                depth -= 1
                return PatternGrammar.join(items)
            case "^", "$":
                throw Failure(reason: "an anchor inside the pattern")
            case "[":
                items.append(.expression(try characterClass(), quantified: false))
            case "|":
                items.append(.alternation)
                position += 1
            case "*", "+", "?":
                try quantifyLast(&items) { $0 + String(c) }
                position += 1
            case "{":
                let (minimum, maximum) = try braces()
                try quantifyLast(&items) { GrammarPrimitives.repetition($0, minimum: minimum, maximum: maximum) }
            default:
                let run = try literalRun()
                guard !run.isEmpty else { throw Failure(reason: "unsupported character '\(c)'") }
                items.append(.literal(run))
            }
        }
        return PatternGrammar.join(items)
    }

    private func quantifyLast(_ items: inout [Item], _ apply: (String) -> String) throws(Failure) {
        guard let last = items.last else { throw Failure(reason: "nothing to repeat") }
        let operand: String
        switch last {
        case .literal(let text): operand = "\"" + text + "\""
        case .expression(let text, let quantified): operand = quantified ? "(" + text + ")" : text
        case .alternation: throw Failure(reason: "nothing to repeat")
        }
        items[items.count - 1] = .expression(apply(operand), quantified: true)
    }

    /// A `[...]` class, copied as it is: GBNF classes read the same way.
    private mutating func characterClass() throws(Failure) -> String {
        var text = "["
        position += 1
        while position < scalars.count, scalars[position] != "]" {
            if scalars[position] == "\\" {
                let length = escapeLength(at: position)
                guard length > 0 else { throw Failure(reason: "unsupported escape in a character class: \(escapeText(at: position))") }
                text += String(String.UnicodeScalarView(scalars[position..<(position + length)]))
                position += length
            } else {
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
        }
        guard position < scalars.count else { throw Failure(reason: "unterminated character class") }
        position += 1
        return text + "]"
    }

    /// `{m}`, `{m,}`, `{,n}` or `{m,n}`.
    private mutating func braces() throws(Failure) -> (Int, Int?) {
        position += 1
        var content = ""
        while position < scalars.count, scalars[position] != "}" {
            content.unicodeScalars.append(scalars[position])
            position += 1
        }
        guard position < scalars.count else { throw Failure(reason: "unterminated '{'") }
        position += 1
        let parts = content.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func count(_ text: String) throws(Failure) -> Int {
            guard !text.isEmpty, text.allSatisfy(\.isASCII), let value = Int32(text), value >= 0 else {
                throw Failure(reason: "invalid count '{\(content)}'")
            }
            return Int(value)
        }
        switch parts.count {
        case 1:
            let n = try count(parts[0])
            return (n, n)
        case 2:
            let minimum = parts[0].isEmpty ? 0 : try count(parts[0])
            let maximum = parts[1].isEmpty ? nil : try count(parts[1])
            return (minimum, maximum)
        default:
            throw Failure(reason: "invalid count '{\(content)}'")
        }
    }

    /// A run of literal characters, as GBNF literal content; see the type's comment for where
    /// a run stops.
    private mutating func literalRun() throws(Failure) -> String {
        var run = ""
        while position < scalars.count {
            let c = scalars[position]
            if c == "\\" {
                guard position + 1 < scalars.count else { throw Failure(reason: "a trailing backslash") }
                let next = scalars[position + 1]
                if PatternGrammar.plainWhenEscaped.contains(next) {
                    run.unicodeScalars.append(next)
                    position += 2
                } else {
                    let length = escapeLength(at: position)
                    guard length > 0 else { throw Failure(reason: "unsupported escape \(escapeText(at: position))") }
                    run += String(String.UnicodeScalarView(scalars[position..<(position + length)]))
                    position += length
                }
            } else if c == "\"" {
                run += "\\\""
                position += 1
            } else if !PatternGrammar.special.contains(c)
                && (position == scalars.count - 1 || run.isEmpty || scalars[position + 1] == "."
                    || !PatternGrammar.special.contains(scalars[position + 1]))
            {
                run.unicodeScalars.append(c)
                position += 1
            } else {
                break
            }
        }
        return run
    }

    /// The length of a GBNF escape at `index` (`\x41`, `\u00e9`, `\U0001F600`, `\t`, `\-`, ...),
    /// 0 when it is not one.
    private func escapeLength(at index: Int) -> Int {
        guard index + 1 < scalars.count, scalars[index] == "\\" else { return 0 }
        let hexDigits: Int
        switch scalars[index + 1] {
        case "x": hexDigits = 2
        case "u": hexDigits = 4
        case "U": hexDigits = 8
        case "t", "r", "n", "\\", "\"", "[", "]", "-": return 2
        default: return 0
        }
        guard index + 2 + hexDigits <= scalars.count else { return 0 }
        for scalar in scalars[(index + 2)..<(index + 2 + hexDigits)] {
            guard scalar.properties.isASCIIHexDigit else { return 0 }
        }
        return 2 + hexDigits
    }

    private func escapeText(at index: Int) -> String {
        String(String.UnicodeScalarView(scalars[index..<min(index + 2, scalars.count)]))
    }

    /// The items in order, consecutive literals merged into one.
    private static func join(_ items: [Item]) -> String {
        var parts: [String] = []
        var literal: String?
        for item in items {
            if case .literal(let text) = item {
                literal = (literal ?? "") + text
                continue
            }
            if let pending = literal {
                parts.append("\"" + pending + "\"")
                literal = nil
            }
            switch item {
            case .expression(let text, _): parts.append(text)
            case .alternation: parts.append("|")
            case .literal: break
            }
        }
        if let pending = literal { parts.append("\"" + pending + "\"") }
        return parts.joined(separator: " ")
    }
}
