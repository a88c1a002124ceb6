import Foundation

/// A small GBNF reader, recognizer and sampler for the tests: enough of llama.cpp's grammar
/// syntax to check which strings a generated grammar accepts without the GGUF runtime's engine.
///
/// It reads the syntax as llama.cpp's parser does (escapes, `[a-z]` ranges, a `-` before `]`
/// being literal, postfix operators applying to the item before them) and matches by sets of
/// end positions, which is slow but exact for the short strings the tests use.
struct GBNFGrammar {
    indirect enum Expression {
        case sequence([Expression])
        case choice([Expression])
        case literal([UInt32])
        case characterClass(negated: Bool, ranges: [ClosedRange<UInt32>])
        case reference(String)
        case repetition(Expression, minimum: Int, maximum: Int?)
    }

    struct SyntaxError: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var rules: [String: Expression] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            var reader = Reader(Array(String(line).unicodeScalars))
            let name = reader.name()
            guard !name.isEmpty else { throw SyntaxError(description: "expected a rule name in: \(line)") }
            reader.skipSpaces()
            guard reader.take("::=") else { throw SyntaxError(description: "expected ::= in: \(line)") }
            let body = try reader.choice()
            guard reader.atEnd else { throw SyntaxError(description: "unexpected text at \(reader.position) in: \(line)") }
            guard rules[name] == nil else { throw SyntaxError(description: "rule \(name) defined twice") }
            rules[name] = body
        }
        guard rules["root"] != nil else { throw SyntaxError(description: "no root rule") }
        for (name, body) in rules {
            for reference in GBNFGrammar.references(in: body) where rules[reference] == nil {
                throw SyntaxError(description: "rule \(name) refers to undefined rule \(reference)")
            }
        }
    }

    private static func references(in expression: Expression) -> [String] {
        switch expression {
        case .sequence(let items), .choice(let items): return items.flatMap(references)
        case .reference(let name): return [name]
        case .repetition(let item, _, _): return references(in: item)
        case .literal, .characterClass: return []
        }
    }

    /// Whether the whole of `text` matches the root rule.
    func accepts(_ text: String) -> Bool {
        let input = text.unicodeScalars.map(\.value)
        var matcher = Matcher(rules: rules, input: input)
        return matcher.ends(of: .reference("root"), from: 0).contains(input.count)
    }

    /// A random string the grammar accepts, nil when the walk went too deep.
    func sample<R: RandomNumberGenerator>(using generator: inout R) -> String? {
        var output = String.UnicodeScalarView()
        var sampler = Sampler(rules: rules)
        guard sampler.emit(.reference("root"), depth: 0, into: &output, using: &generator) else { return nil }
        return String(output)
    }

    // MARK: - Reading

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        var atEnd: Bool {
            var probe = self
            probe.skipSpaces()
            return probe.position == scalars.count
        }

        var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        mutating func skipSpaces() {
            while let c = current, c == " " || c == "\t" { position += 1 }
        }

        mutating func take(_ text: String) -> Bool {
            let wanted = Array(text.unicodeScalars)
            guard position + wanted.count <= scalars.count, Array(scalars[position..<(position + wanted.count)]) == wanted else {
                return false
            }
            position += wanted.count
            return true
        }

        mutating func name() -> String {
            var result = ""
            while let c = current, ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" {
                result.unicodeScalars.append(c)
                position += 1
            }
            return result
        }

        mutating func choice() throws -> Expression {
            var alternatives = [try sequence()]
            while current == "|" {
                position += 1
                alternatives.append(try sequence())
            }
            return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
        }

        mutating func sequence() throws -> Expression {
            var items: [Expression] = []
            while true {
                skipSpaces()
                guard let c = current else { break }
                switch c {
                case "\"":
                    position += 1
                    var text: [UInt32] = []
                    while current != "\"" {
                        guard current != nil else { throw SyntaxError(description: "unterminated literal") }
                        text.append(try character())
                    }
                    position += 1
                    items.append(.literal(text))
                case "[":
                    position += 1
                    var negated = false
                    if current == "^" {
                        negated = true
                        position += 1
                    }
                    var ranges: [ClosedRange<UInt32>] = []
                    while current != "]" {
                        guard current != nil else { throw SyntaxError(description: "unterminated class") }
                        let low = try character()
                        if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                            position += 1
                            let high = try character()
                            guard low <= high else { throw SyntaxError(description: "empty range") }
                            ranges.append(low...high)
                        } else {
                            ranges.append(low...low)
                        }
                    }
                    position += 1
                    items.append(.characterClass(negated: negated, ranges: ranges))
                case "(":
                    position += 1
                    let inner = try choice()
                    skipSpaces()
                    guard current == ")" else { throw SyntaxError(description: "expected ) at \(position)") }
                    position += 1
                    items.append(inner)
                case "*", "+", "?", "{":
                    guard let last = items.popLast() else { throw SyntaxError(description: "nothing to repeat at \(position)") }
                    let (minimum, maximum) = try quantifier()
                    items.append(.repetition(last, minimum: minimum, maximum: maximum))
                default:
                    let name = name()
                    guard !name.isEmpty else { return items.count == 1 ? items[0] : .sequence(items) }
                    items.append(.reference(name))
                }
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        mutating func quantifier() throws -> (Int, Int?) {
            let c = current!
            position += 1
            switch c {
            case "*": return (0, nil)
            case "+": return (1, nil)
            case "?": return (0, 1)
            default:
                let minimum = try integer()
                if take("}") { return (minimum, minimum) }
                guard take(",") else { throw SyntaxError(description: "expected , in braces") }
                if take("}") { return (minimum, nil) }
                let maximum = try integer()
                guard take("}") else { throw SyntaxError(description: "expected } in braces") }
                return (minimum, maximum)
            }
        }

        mutating func integer() throws -> Int {
            var digits = ""
            while let c = current, ("0"..."9").contains(c) {
                digits.unicodeScalars.append(c)
                position += 1
            }
            guard let value = Int(digits) else { throw SyntaxError(description: "expected a number at \(position)") }
            return value
        }

        /// One character of a literal or class, escapes read as llama.cpp reads them.
        mutating func character() throws -> UInt32 {
            let c = current!
            position += 1
            guard c == "\\" else { return c.value }
            guard let e = current else { throw SyntaxError(description: "trailing backslash") }
            position += 1
            switch e {
            case "x": return try hex(2)
            case "u": return try hex(4)
            case "U": return try hex(8)
            case "t": return 9
            case "r": return 13
            case "n": return 10
            case "\\", "\"", "[", "]", "-": return e.value
            default: throw SyntaxError(description: "unknown escape \\\(e)")
            }
        }

        mutating func hex(_ count: Int) throws -> UInt32 {
            guard position + count <= scalars.count,
                let value = UInt32(String(String.UnicodeScalarView(scalars[position..<(position + count)])), radix: 16)
            else { throw SyntaxError(description: "bad hex escape") }
            position += count
            return value
        }
    }

    // MARK: - Matching

    private struct Matcher {
        let rules: [String: Expression]
        let input: [UInt32]
        var memo: [String: [Int: Set<Int>]] = [:]
        var inProgress: Set<String> = []

        init(rules: [String: Expression], input: [UInt32]) {
            self.rules = rules
            self.input = input
        }

        /// Every position where a match of `expression` starting at `start` can end.
        mutating func ends(of expression: Expression, from start: Int) -> Set<Int> {
            switch expression {
            case .literal(let text):
                guard start + text.count <= input.count, Array(input[start..<(start + text.count)]) == text else { return [] }
                return [start + text.count]
            case .characterClass(let negated, let ranges):
                guard start < input.count else { return [] }
                let inside = ranges.contains { $0.contains(input[start]) }
                return inside != negated ? [start + 1] : []
            case .sequence(let items):
                var positions: Set<Int> = [start]
                for item in items {
                    var next: Set<Int> = []
                    for p in positions { next.formUnion(ends(of: item, from: p)) }
                    positions = next
                    if positions.isEmpty { break }
                }
                return positions
            case .choice(let alternatives):
                var positions: Set<Int> = []
                for alternative in alternatives { positions.formUnion(ends(of: alternative, from: start)) }
                return positions
            case .reference(let name):
                if let known = memo[name]?[start] { return known }
                let key = "\(name)@\(start)"
                guard !inProgress.contains(key) else { return [] }  // left recursion matches nothing
                inProgress.insert(key)
                let result = ends(of: rules[name]!, from: start)
                inProgress.remove(key)
                memo[name, default: [:]][start] = result
                return result
            case .repetition(let item, let minimum, let maximum):
                var frontier: Set<Int> = [start]
                for _ in 0..<minimum {
                    frontier = step(item, frontier)
                    if frontier.isEmpty { return [] }
                }
                var result = frontier
                var remaining = maximum.map { $0 - minimum }
                while remaining.map({ $0 > 0 }) ?? true {
                    frontier = step(item, frontier).subtracting(maximum == nil ? result : [])
                    if frontier.isEmpty { break }
                    result.formUnion(frontier)
                    remaining = remaining.map { $0 - 1 }
                }
                return result
            }
        }

        private mutating func step(_ item: Expression, _ positions: Set<Int>) -> Set<Int> {
            var next: Set<Int> = []
            for p in positions { next.formUnion(ends(of: item, from: p)) }
            return next
        }
    }

    // MARK: - Sampling

    private struct Sampler {
        let rules: [String: Expression]
        /// Characters a negated class picks from: plain letters first, some that need care.
        static let candidates: [UInt32] = Array("abcxyzABC019 _-.é€".unicodeScalars.map(\.value))

        mutating func emit<R: RandomNumberGenerator>(
            _ expression: Expression, depth: Int, into output: inout String.UnicodeScalarView, using generator: inout R
        ) -> Bool {
            switch expression {
            case .literal(let text):
                output.append(contentsOf: text.compactMap(Unicode.Scalar.init))
                return true
            case .characterClass(let negated, let ranges):
                if negated {
                    let allowed = Sampler.candidates.filter { c in !ranges.contains { $0.contains(c) } }
                    guard let pick = allowed.randomElement(using: &generator) else { return false }
                    output.append(Unicode.Scalar(pick)!)
                } else {
                    let range = ranges.randomElement(using: &generator)!
                    var pick = UInt32.random(in: range, using: &generator)
                    if Unicode.Scalar(pick) == nil { pick = range.lowerBound }
                    guard let scalar = Unicode.Scalar(pick) else { return false }
                    output.append(scalar)
                }
                return true
            case .sequence(let items):
                return items.allSatisfy { emit($0, depth: depth, into: &output, using: &generator) }
            case .choice(let alternatives):
                return emit(alternatives.randomElement(using: &generator)!, depth: depth, into: &output, using: &generator)
            case .reference(let name):
                guard depth < 40 else { return false }
                return emit(rules[name]!, depth: depth + 1, into: &output, using: &generator)
            case .repetition(let item, let minimum, let maximum):
                // Mostly short: each extra repetition is a coin flip, at most four of them.
                var count = minimum
                while count < minimum + 4, maximum.map({ count < $0 }) ?? true, Bool.random(using: &generator) { count += 1 }
                for _ in 0..<count where !emit(item, depth: depth, into: &output, using: &generator) { return false }
                return true
            }
        }
    }
}
