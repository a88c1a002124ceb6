/// Where a text stands in a grammar: llama.cpp's pushdown state, as a value.
///
/// The state is a set of parse stacks (each a list of element positions, the top one a
/// character class still to match; an empty stack means the text so far is a complete sentence)
/// and a UTF-8 character that the bytes so far have left unfinished. Feeding bytes advances
/// every stack by each complete character; stacks that cannot take it are dropped, and equal
/// stacks are kept once. The decisions are llama.cpp's (`llama_grammar_accept_token` for
/// `advance`, `llama_grammar_reject_candidates` for `canAccept`), so a grammar allows exactly the
/// same tokens here as in llama-server.
public struct GrammarMatcher: Sendable {
    /// More parse stacks than this at once is an error (`GrammarError.tooManyStacks`) rather
    /// than unbounded work: only very ambiguous grammars come near it.
    public static let maxStacks = 4096
    /// Stacks looked at while expanding one stack to its next characters; left recursion that
    /// llama.cpp's check lets through (see `GrammarParser.leftRecursion`) grows without end.
    static let maxExpansion = 1 << 16
    /// Parse stacks deeper than this are an error (`GrammarError.tooDeep`): real nesting stays far
    /// below it, and left recursion through a rule that can be empty would grow a stack forever
    /// (in llama.cpp it does).
    public static let maxDepth = 1024

    public let grammar: Grammar
    /// The parse stacks, bottom first.
    private(set) var stacks: [[Int32]]
    /// The unfinished character the bytes so far ended in.
    private(set) var utf8: GrammarUTF8Decoder
    /// Set when even the start state is beyond the limits; such a matcher accepts nothing.
    public private(set) var failure: GrammarError?

    /// The start state: every alternative of the root rule.
    public init(_ grammar: Grammar) {
        self.grammar = grammar
        stacks = []
        utf8 = GrammarUTF8Decoder()
        do {
            var found: [[Int32]] = []
            var known = Set<[Int32]>()
            let elements = grammar.elements
            var alternative = Int(grammar.ruleStarts[grammar.rootRule])
            while true {
                let stack: [Int32] = elements[alternative].endsSequence ? [] : [Int32(alternative)]
                try Self.expand(stack, grammar: grammar, into: &found, known: &known)
                while !elements[alternative].endsSequence { alternative += 1 }
                guard elements[alternative].kind == .alternate else { break }
                alternative += 1
            }
            stacks = found
        } catch {
            failure = error
        }
    }

    init(grammar: Grammar, stacks: [[Int32]], utf8: GrammarUTF8Decoder) {
        self.grammar = grammar
        self.stacks = stacks
        self.utf8 = utf8
    }

    // MARK: - Public state

    /// True when the text so far is a complete sentence of the grammar (some stack is empty).
    /// As in llama.cpp, this is what allows an end-of-generation token, even when the last
    /// token left a character unfinished.
    public var isAccepting: Bool { failure == nil && stacks.contains { $0.isEmpty } }

    /// How many parse stacks are alive (a measure of the grammar's ambiguity here).
    public var stackCount: Int { stacks.count }

    /// True when the bytes so far end inside a UTF-8 character.
    public var isInsideCharacter: Bool { utf8.remaining > 0 }

    /// Feeds bytes (one token piece, say); false, leaving the matcher as it was, when the grammar
    /// does not allow them here (or they are invalid UTF-8, or too ambiguous; `feed` says which).
    @discardableResult
    public mutating func advance(_ bytes: some Sequence<UInt8>) -> Bool {
        do {
            try feed(bytes)
            return true
        } catch {
            return false
        }
    }

    /// Feeds bytes like `advance`, throwing `GrammarError.rejected` or `.tooManyStacks`.
    /// A NUL byte ends the bytes (llama.cpp treats pieces as C strings).
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(GrammarError) {
        if let failure { throw failure }
        let piece = Array(bytes.prefix { $0 != 0 })
        guard !piece.isEmpty else { return }
        guard let (codePoints, end) = GrammarUTF8Decoder.decode(piece, after: utf8) else {
            throw .rejected("invalid UTF-8 \(Self.show(piece))")
        }
        // Like llama.cpp, a complete sentence does not survive bytes, even bytes that only go
        // into an unfinished character.
        var frontier = stacks.filter { !$0.isEmpty }
        for codePoint in codePoints {
            frontier = try Self.step(frontier, codePoint: codePoint, grammar: grammar)
            if frontier.isEmpty { throw .rejected(Self.show(piece)) }
        }
        if end.remaining > 0 && !frontier.contains(where: { Self.matchesPartial($0, end, grammar.elements) }) {
            throw .rejected(Self.show(piece))
        }
        stacks = frontier
        utf8 = end
    }

    /// Whether `advance` would take these bytes, by llama.cpp's test of a candidate token: its
    /// complete characters must lead somewhere (a decoded U+0000 ends the test, as in llama.cpp),
    /// and an unfinished last character must be able to start the next character class.
    public func canAccept(bytes: some Sequence<UInt8>) -> Bool {
        guard failure == nil, let (codePoints, end) = GrammarUTF8Decoder.decode(bytes, after: utf8) else {
            return false
        }
        var frontier = stacks
        for codePoint in codePoints {
            if codePoint == 0 { break }
            guard let next = try? Self.step(frontier, codePoint: codePoint, grammar: grammar), !next.isEmpty else {
                return false
            }
            frontier = next
        }
        if end.remaining == 0 { return true }
        return frontier.contains { Self.matchesPartial($0, end, grammar.elements) }
    }

    /// Whether the whole of `text`, from this state, is a complete sentence of the grammar.
    public func accepts(_ text: String) -> Bool {
        var matcher = self
        return matcher.advance(text.utf8) && matcher.isAccepting && matcher.utf8.remaining == 0
    }

    // MARK: - Stack operations (llama.cpp's semantics)

    /// The stacks after one character: every stack whose top class matches it, moved past the
    /// class and expanded to its next classes. Empty stacks take nothing.
    static func step(_ stacks: [[Int32]], codePoint: UInt32, grammar: Grammar) throws(GrammarError) -> [[Int32]] {
        var found: [[Int32]] = []
        var known = Set<[Int32]>()
        let elements = grammar.elements
        for stack in stacks {
            guard let top = stack.last else { continue }
            let (matched, after) = matchCharacter(at: Int(top), codePoint, elements)
            guard matched else { continue }
            var next = stack
            next.removeLast()
            if !elements[after].endsSequence { next.append(Int32(after)) }
            try expand(next, grammar: grammar, into: &found, known: &known)
        }
        return found
    }

    /// Expands a stack whose top may be a rule reference into stacks whose tops are character
    /// classes (or that are empty), adding the new ones to `found`.
    static func expand(
        _ stack: [Int32], grammar: Grammar, into found: inout [[Int32]], known: inout Set<[Int32]>
    ) throws(GrammarError) {
        let elements = grammar.elements
        var todo = [stack]
        var seen = Set<[Int32]>()
        while let current = todo.popLast() {
            guard seen.insert(current).inserted else { continue }
            guard seen.count <= maxExpansion else { throw .tooManyStacks(limit: maxStacks) }
            guard current.count <= maxDepth else { throw .tooDeep(limit: maxDepth) }
            guard let top = current.last, elements[Int(top)].kind == .ruleReference else {
                // A character class on top, or a complete sentence.
                if known.insert(current).inserted {
                    found.append(current)
                    guard found.count <= maxStacks else { throw .tooManyStacks(limit: maxStacks) }
                }
                continue
            }
            let position = Int(top)
            var alternative = Int(grammar.ruleStarts[Int(elements[position].value)])
            while true {
                var next = current
                next.removeLast()
                if !elements[position + 1].endsSequence { next.append(Int32(position + 1)) }
                if !elements[alternative].endsSequence { next.append(Int32(alternative)) }
                todo.append(next)
                while !elements[alternative].endsSequence { alternative += 1 }
                guard elements[alternative].kind == .alternate else { break }
                alternative += 1
            }
        }
    }

    /// Whether the class starting at `position` matches `codePoint`, and the position after it.
    @inline(__always)
    static func matchCharacter(at position: Int, _ codePoint: UInt32, _ elements: [GrammarElement]) -> (Bool, Int) {
        let positive = elements[position].kind != .charNot
        var found = false
        var i = position
        repeat {
            if elements[i + 1].kind == .charRangeUpper {
                found = found || (elements[i].value <= codePoint && codePoint <= elements[i + 1].value)
                i += 2
            } else if elements[i].kind == .charAny {
                found = true
                i += 1
            } else {
                found = found || elements[i].value == codePoint
                i += 1
            }
        } while elements[i].kind == .charAlternate
        return (found == positive, i)
    }

    /// Whether some completion of an unfinished character could match the class on top of
    /// `stack` (llama.cpp's `llama_grammar_match_partial_char`, including its conservative
    /// answer for negated classes: any excluded character in reach rejects).
    static func matchesPartial(_ stack: [Int32], _ partial: GrammarUTF8Decoder, _ elements: [GrammarElement]) -> Bool {
        guard let top = stack.last else { return false }
        return matchesPartial(at: Int(top), partial, elements)
    }

    static func matchesPartial(at position: Int, _ partial: GrammarUTF8Decoder, _ elements: [GrammarElement]) -> Bool {
        let remaining = Int(partial.remaining)
        let value = partial.value
        // Invalid, or a 7-bit character split over two bytes (overlong).
        if remaining < 0 || (remaining == 1 && value < 2) { return false }
        var low = value << UInt32(remaining * 6)
        let high = low | ((1 << UInt32(remaining * 6)) - 1)
        if low == 0 {
            if remaining == 2 { low = 1 << 11 } else if remaining == 3 { low = 1 << 16 }
        }
        let positive = elements[position].kind != .charNot
        var i = position
        repeat {
            if elements[i + 1].kind == .charRangeUpper {
                if elements[i].value <= high && low <= elements[i + 1].value { return positive }
                i += 2
            } else if elements[i].kind == .charAny {
                return true
            } else {
                if low <= elements[i].value && elements[i].value <= high { return positive }
                i += 1
            }
        } while elements[i].kind == .charAlternate
        return !positive
    }

    /// Bytes for a message: as text when they are printable UTF-8, else in hex.
    static func show(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{FFFD}" }) && bytes.count <= 40 {
            return "\"\(text)\""
        }
        return bytes.prefix(40).map { String($0, radix: 16) }.joined(separator: " ")
    }
}
