/// A grammar applied to a model's tokens: which token may come next, and sampling that keeps to it.
///
/// The rules are llama.cpp's (`llama_grammar_apply_impl`), so greedy output under a grammar is
/// llama-server's with the same `grammar` at temperature 0:
/// - a token is allowed when the grammar can take its piece's bytes from the current state; a
///   piece ending inside a UTF-8 character is allowed when the rest of the character could still
///   match (see `GrammarMatcher.canAccept(bytes:)`);
/// - end-of-generation tokens (`endOfGeneration`, plus any stop tokens passed in) are allowed
///   exactly when the grammar accepts (some parse stack is empty), whatever their text;
/// - tokens with an empty piece are never allowed. Special tokens count with their text, as in
///   llama.cpp, so `<|im_start|>` is allowed where the grammar allows those characters.
///
/// A value: copies advance independently. Every copy shares one cache of parse-state steps and
/// allowed-token masks, so keep one constraint per grammar and copy it (or `reset()` it) for each
/// generation. The vocabulary's trie is kept with the tokenizer.
public struct GrammarConstraint: Sendable {
    public let grammar: Grammar
    public let vocabulary: GrammarVocabulary
    /// Tokens that end generation: allowed only where the grammar accepts.
    public let endOfGeneration: Set<Int32>
    /// Where the output so far stands in the grammar.
    public private(set) var matcher: GrammarMatcher
    /// What the sampling did, for benchmarks and tests.
    public private(set) var statistics = Statistics()
    private let table: GrammarStateTable

    public struct Statistics: Sendable, Equatable {
        /// Greedy picks where the most likely token was allowed, so no mask was needed.
        public var fastPathTokens = 0
        /// Picks made from masked logits.
        public var maskedTokens = 0
        /// Masks computed by a walk of the vocabulary trie (the rest came from the cache).
        public var masksComputed = 0

        public init() {}
    }

    /// A constraint for a tokenizer's vocabulary; its end-of-generation tokens are the
    /// tokenizer's (llama.cpp's EOG list). Throws when even the start state is beyond the
    /// matcher's limits.
    public init(grammar: Grammar, tokenizer: Tokenizer) throws(GrammarError) {
        try self.init(grammar: grammar, vocabulary: tokenizer.grammarVocabulary, endOfGeneration: tokenizer.endOfGenerationIDs)
    }

    public init(grammar: Grammar, vocabulary: GrammarVocabulary, endOfGeneration: Set<Int32>) throws(GrammarError) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        self.endOfGeneration = endOfGeneration
        self.matcher = GrammarMatcher(grammar)
        if let failure = matcher.failure { throw failure }
        self.table = GrammarStateTable(grammar: grammar, vocabulary: vocabulary)
    }

    /// True when the output so far is complete under the grammar (end-of-generation allowed).
    public var isAccepting: Bool { matcher.isAccepting }

    /// Back to the start of the grammar (the shared caches stay).
    public mutating func reset() {
        matcher = GrammarMatcher(grammar)
        statistics = Statistics()
    }

    @inline(__always)
    private func isStop(_ token: Int32, _ stopTokens: Set<Int32>) -> Bool {
        endOfGeneration.contains(token) || (!stopTokens.isEmpty && stopTokens.contains(token))
    }

    /// Whether `token` may come next. `stopTokens` are treated like end-of-generation tokens.
    public func allows(_ token: Int32, stopTokens: Set<Int32> = []) throws(GrammarError) -> Bool {
        if isStop(token, stopTokens) { return isAccepting }
        let piece = vocabulary.piece(token)
        guard !piece.isEmpty else { return false }
        return try table.allows(bytes: piece, in: matcher)
    }

    /// Every token that may come next, in increasing order.
    public func allowedTokens(stopTokens: Set<Int32> = []) throws(GrammarError) -> [Int32] {
        var logits = [Float](repeating: 0, count: vocabulary.count)
        var copy = self
        try copy.mask(&logits, stopTokens: stopTokens)
        return logits.indices.filter { logits[$0] != -.infinity }.map { Int32($0) }
    }

    /// Sets the logits of disallowed tokens to -infinity; returns how many tokens are allowed.
    /// Logits past the vocabulary's end are disallowed.
    @discardableResult
    public mutating func mask(_ logits: inout [Float], stopTokens: Set<Int32> = []) throws(GrammarError) -> Int {
        let (mask, cached) = try table.mask(for: matcher)
        if !cached { statistics.masksComputed += 1 }
        let accepting = isAccepting
        var allowed = mask.count
        let stops = endOfGeneration.union(stopTokens)
        var stopLogits: [(Int, Float)] = []
        for token in stops where token >= 0 && Int(token) < logits.count {
            stopLogits.append((Int(token), logits[Int(token)]))
            if mask.contains(token) { allowed -= 1 }
        }
        let vocabularyCount = min(vocabulary.count, logits.count)
        mask.words.withUnsafeBufferPointer { words in
            logits.withUnsafeMutableBufferPointer { scores in
                for (w, word) in words.enumerated() where word != ~0 {
                    let base = w << 6
                    let end = min(base + 64, vocabularyCount)
                    guard base < end else { break }
                    if word == 0 {
                        for i in base..<end { scores[i] = -.infinity }
                    } else {
                        for i in base..<end where word & (1 << UInt64(i - base)) == 0 { scores[i] = -.infinity }
                    }
                }
                for i in vocabularyCount..<scores.count { scores[i] = -.infinity }
            }
        }
        for (token, logit) in stopLogits {
            logits[token] = accepting ? logit : -.infinity
            if accepting && token < vocabularyCount { allowed += 1 }
        }
        return allowed
    }

    /// Picks the next token under the grammar: masks the logits before every sampler
    /// (repetition penalty, top-k, top-p, min-p, temperature), then samples. Greedy sampling
    /// first tries the unmasked choice: when it is allowed it is exactly the masked argmax, and
    /// no mask is needed. Returns nil when the output is complete and nothing at all is allowed
    /// (no end-of-generation token is known); throws `GrammarError.noAllowedToken` when the
    /// output is incomplete and nothing is allowed. Does not advance: call `accept` with the token.
    public mutating func sample(
        logits: [Float], history: [Int32], sampler: inout Sampler, stopTokens: Set<Int32> = []
    ) throws(GrammarError) -> Int32? {
        if sampler.isGreedy {
            let token = sampler.sample(logits: logits, history: history)
            if try allows(token, stopTokens: stopTokens) {
                statistics.fastPathTokens += 1
                return token
            }
        }
        var masked = logits
        let allowed = try mask(&masked, stopTokens: stopTokens)
        guard allowed > 0 else {
            if isAccepting { return nil }
            throw .noAllowedToken
        }
        statistics.maskedTokens += 1
        return sampler.sample(maskedLogits: masked, history: history)
    }

    /// Advances past `token`. An end-of-generation (or stop) token changes nothing and is only
    /// taken where the grammar accepts; any other token must be allowed (`allows`), else this
    /// throws `GrammarError.rejected` and the state is unchanged.
    public mutating func accept(_ token: Int32, stopTokens: Set<Int32> = []) throws(GrammarError) {
        if isStop(token, stopTokens) {
            guard isAccepting else { throw .rejected("end-of-generation token \(token) (the output is incomplete)") }
            return
        }
        let piece = vocabulary.piece(token)
        guard !piece.isEmpty else { throw .rejected("token \(token), which has no text") }
        try matcher.feed(piece)
    }
}
