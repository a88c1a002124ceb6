/// Reads GBNF text into flattened rules.
///
/// The rules it builds are shaped like llama.cpp's (groups and repetitions become made-up rules,
/// `x{m,n}` is written out as m copies and a chain of optional ones), and it accepts the same
/// language with the same limits, so a grammar means the same here as in llama-server. It is
/// stricter where llama.cpp silently does something surprising (see `GrammarError`): a rule defined
/// twice, an empty class `[]`, an upper bound above the limit (llama.cpp makes it unbounded) or
/// below the lower one (llama.cpp loops), `<token>` references (they need a vocabulary). Every
/// error says where.
struct GrammarParser {
    /// llama.cpp's `MAX_REPETITION_THRESHOLD`: the largest count, and the largest number of
    /// made-up rules one repetition may multiply.
    static let maxRepetition = 2000
    static let maxTextBytes = 1 << 20
    /// Elements after expansion (each 8 bytes): bounds the memory a hostile grammar can take.
    static let maxElements = 1 << 20
    /// Parenthesised groups are parsed recursively; this keeps the recursion shallow.
    static let maxNesting = 100

    /// One rule while it is built: its elements and, for rule references, the byte offset in the
    /// text they came from (-1 elsewhere), for error messages.
    struct Rule {
        var elements: [GrammarElement] = []
        var offsets: [Int32] = []

        var count: Int { elements.count }

        mutating func append(_ kind: GrammarElement.Kind, _ value: UInt32 = 0, offset: Int = -1) {
            elements.append(GrammarElement(kind, value))
            offsets.append(Int32(offset))
        }

        mutating func append(contentsOf other: Rule, from start: Int) {
            elements.append(contentsOf: other.elements[start...])
            offsets.append(contentsOf: other.offsets[start...])
        }

        mutating func truncate(to count: Int) {
            elements.removeLast(elements.count - count)
            offsets.removeLast(offsets.count - count)
        }
    }

    let bytes: [UInt8]
    var pos = 0
    /// Rules written in the text, by name. Made-up rules are not here, so a rule the user names
    /// `root_1` never collides with one.
    var symbolIDs: [String: Int] = [:]
    /// Every rule's name; made-up ones are `owner_N`.
    var names: [String] = []
    /// The rule written in the text that each rule belongs to (itself, or the one a made-up rule
    /// was made for), for messages.
    var owners: [String] = []
    var rules: [Rule?] = []
    var definitions: [Int?] = []
    var firstUses: [Int?] = []
    var storedElements = 0
    var nesting = 0

    init(text: String) throws(GrammarError) {
        bytes = Array(text.utf8)
        guard bytes.count <= Self.maxTextBytes else {
            throw .tooLarge("the text is \(bytes.count) bytes; the limit is \(Self.maxTextBytes)")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw error("the text contains a NUL character", at: nul)
        }
    }

    // MARK: - Text positions

    var current: UInt8 { pos < bytes.count ? bytes[pos] : 0 }

    func byte(at index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    var atEnd: Bool { pos >= bytes.count }

    /// Line and column (in characters, from 1) of a byte offset.
    func location(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }

    func error(_ message: String, at offset: Int) -> GrammarError {
        let (line, column) = location(offset)
        return .syntax(message, line: line, column: column)
    }

    /// The character at `offset`, quoted and printable, for messages.
    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the text" }
        var end = offset + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        let character = String(decoding: bytes[offset..<end], as: UTF8.self)
        switch character {
        case "\n": return "a line break"
        case "\r": return "a carriage return"
        case "\t": return "a tab"
        default:
            if let scalar = character.unicodeScalars.first, scalar.value < 0x20 || scalar.value == 0x7F {
                return "character U+\(String(scalar.value, radix: 16, uppercase: true))"
            }
            return "'\(character)'"
        }
    }

    // MARK: - Lexical pieces

    static func isWordCharacter(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Skips blanks and comments; line breaks too when `newlines` (inside groups, after `|`,
    /// between rules). At the top level of a rule a line break ends the rule.
    mutating func skipSpace(newlines: Bool) {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == 0x20 || c == 0x09 {
                pos += 1
            } else if c == 0x23 {  // '#' to the end of the line
                while pos < bytes.count && bytes[pos] != 0x0D && bytes[pos] != 0x0A { pos += 1 }
            } else if newlines && (c == 0x0D || c == 0x0A) {
                pos += 1
            } else {
                break
            }
        }
    }

    mutating func parseName() throws(GrammarError) -> String {
        let start = pos
        while Self.isWordCharacter(current) { pos += 1 }
        guard pos > start else { throw error("expected a rule name, found \(describe(at: pos))", at: pos) }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    /// A decimal count; saturates far above any limit so the limit check reports it.
    mutating func parseCount() -> Int {
        var value = 0
        while Self.isDigit(current) {
            value = min(value * 10 + Int(current - 0x30), 1_000_000_000)
            pos += 1
        }
        return value
    }

    /// One character of a literal or class: an escape or a UTF-8 encoded character.
    mutating func parseCharacter() throws(GrammarError) -> UInt32 {
        let start = pos
        guard current == 0x5C else {  // not a backslash: one UTF-8 character
            let first = current
            let length = first < 0x80 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4
            var value = length == 1 ? UInt32(first) : UInt32(first) & (0x7F >> UInt32(length))
            for i in 1..<length { value = value << 6 | UInt32(byte(at: pos + i) & 0x3F) }
            pos += length
            return value
        }
        let kind = byte(at: pos + 1)
        switch kind {
        case 0x78: return try parseHex(digits: 2, escape: "x", start: start)  // \xHH
        case 0x75: return try parseHex(digits: 4, escape: "u", start: start)  // \uHHHH
        case 0x55: return try parseHex(digits: 8, escape: "U", start: start)  // \UHHHHHHHH
        case 0x74: pos += 2; return 0x09
        case 0x72: pos += 2; return 0x0D
        case 0x6E: pos += 2; return 0x0A
        case 0x5C, 0x22, 0x5B, 0x5D, 0x2D:  // \\ \" \[ \] \-
            pos += 2
            return UInt32(kind)
        case 0:
            throw error("the text ends after a backslash", at: start)
        default:
            throw error("unknown escape '\\\(describe(at: pos + 1).trimmingQuotes)'; use \\n \\r \\t \\\\ \\\" \\[ \\] \\- \\xHH \\uHHHH or \\UHHHHHHHH", at: start)
        }
    }

    mutating func parseHex(digits: Int, escape: String, start: Int) throws(GrammarError) -> UInt32 {
        pos += 2
        var value: UInt32 = 0
        for _ in 0..<digits {
            let c = current
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            default: throw error("\\\(escape) needs exactly \(digits) hex digits", at: start)
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    // MARK: - Rules

    /// The id of a rule written in the text, made on first sight (use or definition).
    mutating func symbol(_ name: String) -> Int {
        if let id = symbolIDs[name] { return id }
        let id = names.count
        symbolIDs[name] = id
        names.append(name)
        owners.append(name)
        rules.append(nil)
        definitions.append(nil)
        firstUses.append(nil)
        return id
    }

    /// A new made-up rule for a group or repetition inside rule `owner`.
    mutating func madeUpSymbol(owner: String) -> Int {
        let id = names.count
        names.append("\(owner)_\(id)")
        owners.append(owner)
        rules.append(nil)
        definitions.append(nil)
        firstUses.append(nil)
        return id
    }

    mutating func store(_ id: Int, _ rule: Rule) throws(GrammarError) {
        storedElements += rule.count
        guard storedElements <= Self.maxElements else {
            throw .tooLarge("more than \(Self.maxElements) elements once repetitions are written out")
        }
        rules[id] = rule
    }

    /// The whole text: rules separated by line breaks.
    mutating func parseRules() throws(GrammarError) {
        skipSpace(newlines: true)
        while !atEnd { try parseRule() }
    }

    mutating func parseRule() throws(GrammarError) {
        let start = pos
        guard Self.isWordCharacter(current) else {
            throw error("expected a rule name, found \(describe(at: pos))", at: pos)
        }
        let name = try parseName()
        skipSpace(newlines: false)
        guard current == 0x3A && byte(at: pos + 1) == 0x3A && byte(at: pos + 2) == 0x3D else {
            throw error("expected '::=' after the rule name '\(name)', found \(describe(at: pos))", at: pos)
        }
        pos += 3
        skipSpace(newlines: true)
        let id = symbol(name)
        if definitions[id] != nil { throw duplicate(name, at: start) }
        definitions[id] = start
        try parseAlternatives(ruleName: name, ruleID: id, nested: false)
        if current == 0x0D {
            pos += byte(at: pos + 1) == 0x0A ? 2 : 1
        } else if current == 0x0A {
            pos += 1
        } else if !atEnd {
            let what = current == 0x29 ? "a ')' without its '('" : describe(at: pos)
            throw error("expected the end of the line after the rule '\(name)', found \(what)", at: pos)
        }
        skipSpace(newlines: true)
    }

    func duplicate(_ name: String, at offset: Int) -> GrammarError {
        let (line, column) = location(offset)
        return .duplicateRule(name, line: line, column: column)
    }

    mutating func parseAlternatives(ruleName: String, ruleID: Int, nested: Bool) throws(GrammarError) {
        var rule = Rule()
        try parseSequence(ruleName: ruleName, into: &rule, nested: nested)
        while current == 0x7C {  // '|'
            rule.append(.alternate)
            pos += 1
            skipSpace(newlines: true)
            try parseSequence(ruleName: ruleName, into: &rule, nested: nested)
        }
        rule.append(.end)
        try store(ruleID, rule)
    }

    mutating func parseSequence(ruleName: String, into rule: inout Rule, nested: Bool) throws(GrammarError) {
        // Where the last item (the one a repetition operator applies to) begins, and how many
        // made-up rules it holds (llama.cpp's n_prev_rules), to bound nested repetitions.
        var lastItemStart = rule.count
        var itemRules = 1
        while !atEnd {
            let itemOffset = pos
            let c = current
            switch c {
            case 0x22:  // "literal"
                pos += 1
                lastItemStart = rule.count
                itemRules = 1
                while current != 0x22 {
                    guard !atEnd else { throw error("string literal is never closed", at: itemOffset) }
                    rule.append(.char, try parseCharacter())
                }
                pos += 1
                skipSpace(newlines: nested)
            case 0x5B:  // [class]
                pos += 1
                var firstKind = GrammarElement.Kind.char
                if current == 0x5E {  // '^'
                    pos += 1
                    firstKind = .charNot
                }
                lastItemStart = rule.count
                itemRules = 1
                while current != 0x5D {
                    guard !atEnd else { throw error("character class is never closed", at: itemOffset) }
                    rule.append(lastItemStart < rule.count ? .charAlternate : firstKind, try parseCharacter())
                    if current == 0x2D && byte(at: pos + 1) != 0x5D {  // a range, unless '-' ends the class
                        guard pos + 1 < bytes.count else {
                            throw error("character class is never closed", at: itemOffset)
                        }
                        pos += 1
                        rule.append(.charRangeUpper, try parseCharacter())
                    }
                }
                guard lastItemStart < rule.count else {
                    throw error("empty character class (llama.cpp would read it as the empty string)", at: itemOffset)
                }
                pos += 1
                skipSpace(newlines: nested)
            case _ where c == 0x3C || (c == 0x21 && byte(at: pos + 1) == 0x3C):  // <token>, !<token>
                throw error("token references (<...>, !<...>) are not supported; write the text as a string literal", at: itemOffset)
            case _ where Self.isWordCharacter(c):
                let name = try parseName()
                let id = symbol(name)
                if firstUses[id] == nil { firstUses[id] = itemOffset }
                skipSpace(newlines: nested)
                lastItemStart = rule.count
                itemRules = 1
                rule.append(.ruleReference, UInt32(id), offset: itemOffset)
            case 0x28:  // (group)
                pos += 1
                skipSpace(newlines: true)
                nesting += 1
                guard nesting <= Self.maxNesting else {
                    throw error("groups nested more than \(Self.maxNesting) deep", at: itemOffset)
                }
                let rulesBefore = names.count
                let group = madeUpSymbol(owner: ruleName)
                try parseAlternatives(ruleName: ruleName, ruleID: group, nested: true)
                nesting -= 1
                itemRules = max(1, names.count - rulesBefore)
                lastItemStart = rule.count
                rule.append(.ruleReference, UInt32(group), offset: itemOffset)
                guard current == 0x29 else {
                    let (line, column) = location(itemOffset)
                    throw error("expected ')' to close the group opened at \(line):\(column), found \(describe(at: pos))", at: pos)
                }
                pos += 1
                skipSpace(newlines: nested)
            case 0x2E:  // .
                lastItemStart = rule.count
                itemRules = 1
                rule.append(.charAny)
                pos += 1
                skipSpace(newlines: nested)
            case 0x2A, 0x2B, 0x3F:  // * + ?
                pos += 1
                skipSpace(newlines: nested)
                try repeatLastItem(
                    minimum: c == 0x2B ? 1 : 0, maximum: c == 0x3F ? 1 : nil, rule: &rule,
                    lastItemStart: lastItemStart, itemRules: &itemRules, ruleName: ruleName, offset: itemOffset)
            case 0x7B:  // {m}, {m,}, {m,n}
                pos += 1
                skipSpace(newlines: nested)
                guard Self.isDigit(current) else {
                    throw error("expected a number after '{', found \(describe(at: pos))", at: pos)
                }
                let minimum = parseCount()
                skipSpace(newlines: nested)
                var maximum: Int?
                if current == 0x7D {
                    maximum = minimum
                } else if current == 0x2C {
                    pos += 1
                    skipSpace(newlines: nested)
                    if Self.isDigit(current) {
                        maximum = parseCount()
                        skipSpace(newlines: nested)
                    }
                    guard current == 0x7D else {
                        throw error("expected '}' to end the repetition, found \(describe(at: pos))", at: pos)
                    }
                } else {
                    throw error("expected ',' or '}' in the repetition, found \(describe(at: pos))", at: pos)
                }
                pos += 1
                skipSpace(newlines: nested)
                for bound in [minimum, maximum ?? 0] where bound > Self.maxRepetition {
                    throw error("repetition count \(bound) is above the limit of \(Self.maxRepetition)", at: itemOffset)
                }
                if let maximum, maximum < minimum {
                    throw error("repetition {\(minimum),\(maximum)} has its lower bound above its upper bound", at: itemOffset)
                }
                try repeatLastItem(
                    minimum: minimum, maximum: maximum, rule: &rule,
                    lastItemStart: lastItemStart, itemRules: &itemRules, ruleName: ruleName, offset: itemOffset)
            default:
                return
            }
        }
    }

    /// Writes out a repetition of the rule's last item (llama.cpp's rewrite):
    /// `S{m,n}` is m copies of S then `S'(n-m)` where `S'(k) ::= S S'(k-1) |` and `S'(1) ::= S |`;
    /// `S{m,}` is m copies then `S' ::= S S' |`. `*`, `+`, `?` are {0,}, {1,}, {0,1}.
    mutating func repeatLastItem(
        minimum: Int, maximum: Int?, rule: inout Rule, lastItemStart: Int, itemRules: inout Int,
        ruleName: String, offset: Int
    ) throws(GrammarError) {
        guard lastItemStart < rule.count else {
            throw error("\(describe(at: offset)) has nothing before it to repeat", at: offset)
        }
        var item = Rule()
        item.append(contentsOf: rule, from: lastItemStart)
        let ruleCount = maximum.map { $0 > 0 ? $0 : max(minimum, 1) } ?? max(minimum, 1)
        guard itemRules * ruleCount <= Self.maxRepetition else {
            throw error("this repetition would make \(itemRules * ruleCount) rules (the limit is \(Self.maxRepetition)); use smaller counts or nest less", at: offset)
        }
        let optional = maximum.map { $0 - minimum } ?? 1
        let added = item.count * max(minimum - 1, 0) + optional * (item.count + 3)
        guard storedElements + rule.count + added <= Self.maxElements else {
            throw .tooLarge("more than \(Self.maxElements) elements once repetitions are written out")
        }
        if minimum == 0 {
            rule.truncate(to: lastItemStart)
        } else {
            for _ in 1..<minimum { rule.append(contentsOf: item, from: 0) }
        }
        var previous = 0
        for i in 0..<optional {
            var optionalRule = item
            let id = madeUpSymbol(owner: ruleName)
            if i > 0 || maximum == nil {
                optionalRule.append(.ruleReference, UInt32(maximum == nil ? id : previous), offset: offset)
            }
            optionalRule.append(.alternate)
            optionalRule.append(.end)
            try store(id, optionalRule)
            previous = id
        }
        if optional > 0 { rule.append(.ruleReference, UInt32(previous), offset: offset) }
        itemRules *= ruleCount
    }

    // MARK: - Checks

    /// The first rule used but never defined, by position in the text.
    func undefinedRule() -> GrammarError? {
        var first: (offset: Int, name: String)?
        for id in rules.indices where rules[id] == nil {
            let offset = firstUses[id] ?? 0
            if first == nil || offset < first!.offset { first = (offset, names[id]) }
        }
        guard let first else { return nil }
        let (line, column) = location(first.offset)
        return .undefinedRule(first.name, line: line, column: column)
    }

    /// llama.cpp's left-recursion test, so the same grammars are refused: a rule may begin with a
    /// rule it references first in an alternative, or one after references to rules that have an
    /// empty alternative; any cycle among these "may begin with" links (over all rules) is left
    /// recursion. (A rule that can only derive nothing through other rules is not counted as
    /// empty, as in llama.cpp; the matcher's stack limits stop what that lets through.)
    func leftRecursion() -> GrammarError? {
        let count = rules.count
        var hasEmptyAlternative = [Bool](repeating: false, count: count)
        for id in 0..<count {
            var atStart = true
            for element in rules[id]!.elements {
                if element.endsSequence {
                    if atStart {
                        hasEmptyAlternative[id] = true
                        break
                    }
                    atStart = true
                } else {
                    atStart = false
                }
            }
        }
        // Links: (target rule, offset of the reference).
        var links = [[(Int, Int)]](repeating: [], count: count)
        for id in 0..<count {
            let rule = rules[id]!
            var open = true
            for (index, element) in rule.elements.enumerated() {
                if element.endsSequence {
                    open = true
                } else if element.kind == .ruleReference && open {
                    let target = Int(element.value)
                    links[id].append((target, Int(rule.offsets[index])))
                    if !hasEmptyAlternative[target] { open = false }
                } else {
                    open = false
                }
            }
        }
        // Depth-first search for a cycle, without recursion (there can be thousands of rules).
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the path, 2 done
        for start in 0..<count where state[start] == 0 {
            var path: [(rule: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = path.last {
                if top.next == links[top.rule].count {
                    state[top.rule] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let (target, offset) = links[top.rule][top.next]
                if state[target] == 1 {
                    let from = path.firstIndex { $0.rule == target }!
                    let cycle = path[from...].map { $0.rule } + [target]
                    var named: [String] = []
                    for rule in cycle where named.last != owners[rule] { named.append(owners[rule]) }
                    if named.count == 1 { named.append(named[0]) }
                    let (line, column) = location(max(offset, 0))
                    return .leftRecursion(cycle: named, line: line, column: column)
                }
                if state[target] == 0 {
                    state[target] = 1
                    path.append((target, 0))
                }
            }
        }
        return nil
    }
}

extension String {
    /// A quoted character from `describe(at:)` without its quotes, for inline use.
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
