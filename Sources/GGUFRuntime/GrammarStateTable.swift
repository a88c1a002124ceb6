/// The memoised work behind a `GrammarConstraint`, shared by all its copies (and so by every
/// generation that starts from the same constraint).
///
/// Parse-stack sets are interned as small integers; the step from a set by one character is
/// computed once (by `GrammarMatcher.step`, the one place the grammar's semantics live) and
/// remembered, in a flat table for ASCII. The allowed-token mask of a state (stack set and
/// unfinished character) comes from one walk of the vocabulary trie and is remembered too:
/// inside a JSON string the state after each token is the same, so most masks are cache hits.
/// When the caches outgrow their limits they are dropped and refilled.
final class GrammarStateTable: @unchecked Sendable {
    static let maxSets = 1 << 16
    static let maxTransitions = 1 << 20
    static let maxMasks = 512

    let grammar: Grammar
    let vocabulary: GrammarVocabulary
    private let lock = GrammarLock()

    private var sets: [[[Int32]]] = []
    private var setIDs: [[[Int32]]: Int32] = [:]
    /// Next set by an ASCII character: `asciiNext[set << 7 | c]`; `unknown` until computed,
    /// `dead` when no stack takes the character.
    private var asciiNext: [Int32] = []
    private var otherNext: [UInt64: Int32] = [:]
    private var partialAllowed: [UInt64: Bool] = [:]
    private var masks: [MaskKey: GrammarTokenMask] = [:]

    private static let unknown: Int32 = -2
    private static let dead: Int32 = -1

    private struct MaskKey: Hashable {
        var set: Int32
        var utf8: GrammarUTF8Decoder
    }

    init(grammar: Grammar, vocabulary: GrammarVocabulary) {
        self.grammar = grammar
        self.vocabulary = vocabulary
    }

    // MARK: - Entry points (locked)

    /// Whether the token with these bytes may come next in the state `matcher` is in. Same walk
    /// as the mask, so the answer always equals the mask's bit.
    func allows(bytes: [UInt8], in matcher: GrammarMatcher) throws(GrammarError) -> Bool {
        try lock.withLock { () throws(GrammarError) -> Bool in
            trimIfFull()
            let start = intern(matcher.stacks)
            var set = start
            var decoder = GrammarUTF8Decoder(after: matcher.utf8)
            var ended = false
            for byte in bytes {
                let result = decoder.push(byte)
                if result == GrammarUTF8Decoder.invalid { return false }
                if result >= 0 && !ended {
                    if result == 0 {
                        ended = true
                    } else {
                        set = try next(set, UInt32(result))
                        if set < 0 { return false }
                    }
                }
            }
            return endAllowed(set, decoder.partial)
        }
    }

    /// The tokens (by their bytes only; end-of-generation handling is the caller's) allowed next
    /// in the state `matcher` is in, and whether it came from the cache.
    func mask(for matcher: GrammarMatcher) throws(GrammarError) -> (mask: GrammarTokenMask, cached: Bool) {
        try lock.withLock { () throws(GrammarError) -> (GrammarTokenMask, Bool) in
            trimIfFull()
            let key = MaskKey(set: intern(matcher.stacks), utf8: matcher.utf8.partial)
            if let known = masks[key] { return (known, true) }
            let mask = try walk(from: key.set, after: key.utf8)
            masks[key] = mask
            return (mask, false)
        }
    }

    // MARK: - Memoised steps (called with the lock held)

    private func trimIfFull() {
        guard sets.count > Self.maxSets || otherNext.count + partialAllowed.count > Self.maxTransitions
            || masks.count > Self.maxMasks else { return }
        sets.removeAll()
        setIDs.removeAll()
        asciiNext.removeAll()
        otherNext.removeAll()
        partialAllowed.removeAll()
        masks.removeAll()
    }

    private func intern(_ stacks: [[Int32]]) -> Int32 {
        let canonical = stacks.sorted { $0.lexicographicallyPrecedes($1) }
        if let id = setIDs[canonical] { return id }
        let id = Int32(sets.count)
        sets.append(canonical)
        setIDs[canonical] = id
        asciiNext.append(contentsOf: repeatElement(Self.unknown, count: 128))
        return id
    }

    @inline(__always)
    private func next(_ set: Int32, _ codePoint: UInt32) throws(GrammarError) -> Int32 {
        if codePoint < 128 {
            let known = asciiNext[Int(set) << 7 | Int(codePoint)]
            if known != Self.unknown { return known }
        } else if let known = otherNext[UInt64(UInt32(bitPattern: set)) << 32 | UInt64(codePoint)] {
            return known
        }
        let stacks = try GrammarMatcher.step(sets[Int(set)], codePoint: codePoint, grammar: grammar)
        let result = stacks.isEmpty ? Self.dead : intern(stacks)
        if codePoint < 128 {
            asciiNext[Int(set) << 7 | Int(codePoint)] = result
        } else {
            otherNext[UInt64(UInt32(bitPattern: set)) << 32 | UInt64(codePoint)] = result
        }
        return result
    }

    /// Whether a token may end in `partial` with the stacks of `set` (llama.cpp: a finished
    /// character needs nothing more; an unfinished one must be able to start a top class).
    @inline(__always)
    private func endAllowed(_ set: Int32, _ partial: GrammarUTF8Decoder) -> Bool {
        if partial.remaining == 0 { return true }
        if partial.remaining < 0 { return false }
        let key = UInt64(UInt32(bitPattern: set)) << 32 | UInt64(partial.remaining) << 24 | UInt64(partial.value & 0xFF_FFFF)
        if let known = partialAllowed[key] { return known }
        let elements = grammar.elements
        let allowed = sets[Int(set)].contains { GrammarMatcher.matchesPartial($0, partial, elements) }
        partialAllowed[key] = allowed
        return allowed
    }

    /// One preorder pass over the trie, keeping the state of each depth on the current path.
    private func walk(from start: Int32, after partial: GrammarUTF8Decoder) throws(GrammarError) -> GrammarTokenMask {
        let vocabulary = self.vocabulary
        var mask = GrammarTokenMask(vocabularySize: vocabulary.count)
        let depthCount = vocabulary.maxDepth + 1
        var setAt = [Int32](repeating: 0, count: depthCount)
        var decoderAt = [GrammarUTF8Decoder](repeating: GrammarUTF8Decoder(), count: depthCount)
        var endedAt = [Bool](repeating: false, count: depthCount)
        setAt[0] = start
        decoderAt[0] = GrammarUTF8Decoder(after: partial)
        let nodeCount = vocabulary.nodeCount
        var i = 0
        try vocabulary.nodeBytes.withUnsafeBufferPointer { (bytes) throws(GrammarError) in
            try vocabulary.nodeDepths.withUnsafeBufferPointer { (depths) throws(GrammarError) in
                try vocabulary.nodeSkips.withUnsafeBufferPointer { (skips) throws(GrammarError) in
                    try vocabulary.tokenStarts.withUnsafeBufferPointer { (tokenStarts) throws(GrammarError) in
                        while i < nodeCount {
                            let depth = Int(depths[i])
                            var decoder = decoderAt[depth - 1]
                            var set = setAt[depth - 1]
                            var ended = endedAt[depth - 1]
                            let result = decoder.push(bytes[i])
                            if result == GrammarUTF8Decoder.invalid {
                                i = Int(skips[i])
                                continue
                            }
                            if result >= 0 && !ended {
                                if result == 0 {
                                    // llama.cpp's test of a token stops at a decoded U+0000.
                                    ended = true
                                } else {
                                    set = try next(set, UInt32(result))
                                    if set < 0 {
                                        i = Int(skips[i])
                                        continue
                                    }
                                }
                            }
                            decoderAt[depth] = decoder
                            setAt[depth] = set
                            endedAt[depth] = ended
                            let first = Int(tokenStarts[i])
                            let last = Int(tokenStarts[i + 1])
                            if first < last && endAllowed(set, decoder.partial) {
                                for t in first..<last { mask.insert(vocabulary.sortedTokens[t]) }
                            }
                            i += 1
                        }
                    }
                }
            }
        }
        return mask
    }
}
