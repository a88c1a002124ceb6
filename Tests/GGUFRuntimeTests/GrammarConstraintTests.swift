import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Grammar-constrained tokens on the default model: the allowed set against a brute-force check
/// of every token, and generation (greedy and sampled) that always keeps to the grammar.
@Suite(.heavy, .serialized) struct GrammarConstraintTests {
    static var decisionMatrix: String {
        get throws {
            try String(contentsOf: TestModel.packageRoot.appendingPathComponent("Benchmarks/decision-matrix.gbnf"), encoding: .utf8)
        }
    }

    static func tokenizer() throws -> Tokenizer? { try TokenizerTestModel.loaded()?.tokenizer }

    /// llama.cpp's rule applied to each token on its own, through the matcher.
    static func bruteForce(_ constraint: GrammarConstraint) -> [Int32] {
        (0..<Int32(constraint.vocabulary.count)).filter { token in
            if constraint.endOfGeneration.contains(token) { return constraint.isAccepting }
            let piece = constraint.vocabulary.piece(token)
            return !piece.isEmpty && constraint.matcher.canAccept(bytes: piece)
        }
    }

    /// Moves a constraint along the tokens of `text` (which must be allowed one by one).
    static func advanced(_ constraint: GrammarConstraint, by text: String, _ tokenizer: Tokenizer) throws -> GrammarConstraint {
        var constraint = constraint
        for token in tokenizer.encode(text, parseSpecial: false) { try constraint.accept(token) }
        return constraint
    }

    static func byteToken(_ byte: UInt8, _ vocabulary: GrammarVocabulary) -> Int32? {
        (0..<Int32(vocabulary.count)).first { vocabulary.piece($0) == [byte] }
    }

    @Test func allowedSetEqualsBruteForceCheck() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let json = try GrammarConstraint(grammar: try Grammar(gbnf: GrammarMatcherTests.json), tokenizer: tokenizer)
        let decision = try GrammarConstraint(grammar: try Grammar(gbnf: Self.decisionMatrix), tokenizer: tokenizer)
        let unicode = try GrammarConstraint(grammar: try Grammar(gbnf: "root ::= [^é日\\n]* \"\\n\" | \"日本\" [0-9]+"), tokenizer: tokenizer)
        let e6 = try #require(Self.byteToken(0xE6, tokenizer.grammarVocabulary))
        var insideCharacter = try Self.advanced(json, by: "{\"k\": \"", tokenizer)
        try insideCharacter.accept(e6)
        var unicodeInside = unicode
        try unicodeInside.accept(e6)
        let states: [(String, GrammarConstraint)] = [
            ("json start", json),
            ("inside a JSON string", try Self.advanced(json, by: "{\"a\": \"x", tokenizer)),
            ("after a number", try Self.advanced(json, by: "{\"a\": 12", tokenizer)),
            ("JSON complete", try Self.advanced(json, by: "{\"a\": true}", tokenizer)),
            ("inside a character", insideCharacter),
            ("decision matrix key", try Self.advanced(decision, by: "{\"opt", tokenizer)),
            ("decision matrix score", try Self.advanced(decision, by: "{\"options\": [\"a\"], \"criteria\": [], \"score\": 1", tokenizer)),
            ("negated class start", unicode),
            ("negated class inside a character", unicodeInside),
        ]
        for (name, state) in states {
            let allowed = try state.allowedTokens()
            let expected = Self.bruteForce(state)
            #expect(allowed == expected, "\(name): \(allowed.count) allowed, \(expected.count) by brute force")
            #expect(!allowed.isEmpty, "\(name)")
            // The single-token test (greedy's fast path) agrees with the mask on every token.
            let expectedSet = Set(expected)
            let mismatches = (0..<Int32(tokenizer.vocabularySize)).filter { token in
                (try? state.allows(token)) != expectedSet.contains(token)
            }
            #expect(mismatches.isEmpty, "\(name): allows() differs on \(mismatches.prefix(5))")
        }
        // End-of-generation tokens only where the grammar accepts; special tokens by their text.
        let complete = try Self.advanced(json, by: "{}", tokenizer)
        let imEnd = try #require(tokenizer.tokenID(forPiece: "<|im_end|>"))
        #expect(try complete.allows(imEnd) && !json.allows(imEnd))
        let special = try GrammarConstraint(grammar: try Grammar(gbnf: "root ::= [^\\n]*"), tokenizer: tokenizer)
        let imStart = try #require(tokenizer.tokenID(forPiece: "<|im_start|>"))
        #expect(try special.allows(imStart), "llama.cpp's pieces render special tokens")
    }

    @Test func maskSetsDisallowedLogitsToMinusInfinity() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        var constraint = try GrammarConstraint(grammar: try Grammar(gbnf: #"root ::= "yes" | "no""#), tokenizer: tokenizer)
        var logits = [Float](repeating: 1, count: tokenizer.vocabularySize)
        let allowed = try constraint.mask(&logits)
        let finite = logits.indices.filter { logits[$0].isFinite }.map { Int32($0) }
        #expect(finite.count == allowed)
        #expect(finite == (try constraint.allowedTokens()))
        for token in finite {
            let piece = String(decoding: constraint.vocabulary.piece(token), as: UTF8.self)
            #expect("yes".hasPrefix(piece) || "no".hasPrefix(piece), "\(piece.debugDescription)")
        }
        #expect(finite.contains(try #require(tokenizer.encode("yes", parseSpecial: false).first)))
    }

    // MARK: - Generation

    static func chatPrompt(_ tokenizer: Tokenizer, _ model: LlamaModel, _ text: String) -> [Int32] {
        let template = ChatTemplate.detect(in: model.file)
        return tokenizer.encode(
            segments: template.renderSegments(messages: [(role: "user", content: text)], addGenerationPrompt: true),
            addSpecial: true)
    }

    /// Generates under `gbnf` and checks the output keeps to it: a valid prefix, and complete when
    /// generation stopped at an end-of-generation token. Returns the output's text.
    @discardableResult
    static func generateChecked(
        _ gbnf: String, prompt: String, sampling: SamplingParameters, maxTokens: Int,
        expectStop: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String? {
        guard let model = try GreedyFixtureTests.model(), let tokenizer = try Self.tokenizer() else { return nil }
        let grammar = try Grammar(gbnf: gbnf)
        let constraint = try GrammarConstraint(grammar: grammar, tokenizer: tokenizer)
        let prompt = chatPrompt(tokenizer, model, prompt)
        // The model runs on a thread of its own, so as not to hold one of the cooperative threads
        // that other suites' async tests (with deadlines) need.
        let (result, streamed) = try await onOwnThread {
            let session = model.makeSession()
            var sampler = Sampler(sampling)
            var streamed: [Int32] = []
            let result = try session.generate(
                prompt: prompt, maxTokens: maxTokens, sampler: &sampler,
                stopTokens: model.stopTokens, grammar: constraint, isCancelled: { false }
            ) { streamed.append($0) }
            return (result, streamed)
        }
        #expect(streamed == result.tokens, sourceLocation: sourceLocation)
        let bytes = result.tokens.flatMap { constraint.vocabulary.piece($0) }
        var matcher = GrammarMatcher(grammar)
        let isPrefix = matcher.advance(bytes)
        #expect(isPrefix, "not a prefix: \(String(decoding: bytes, as: UTF8.self).debugDescription)", sourceLocation: sourceLocation)
        let text = String(decoding: bytes, as: UTF8.self)
        switch result.stop {
        case .stopToken(let token):
            #expect(tokenizer.endOfGenerationIDs.contains(token) || model.stopTokens.contains(token), sourceLocation: sourceLocation)
            #expect(matcher.isAccepting, "stopped at an incomplete output: \(text.debugDescription)", sourceLocation: sourceLocation)
        case .maxTokens:
            #expect(!expectStop, "did not finish in \(maxTokens) tokens: \(text.debugDescription)", sourceLocation: sourceLocation)
        default:
            Issue.record("unexpected stop \(result.stop)", sourceLocation: sourceLocation)
        }
        return text
    }

    @Test func greedyGenerationKeepsToTheGrammarAndEndsWhereItAccepts() async throws {
        let answer = try await Self.generateChecked(
            #"root ::= "yes" | "no""#, prompt: "Is the sky blue? Answer yes or no.", sampling: .greedy,
            maxTokens: 8, expectStop: true)
        if let answer { #expect(answer == "yes" || answer == "no") }
        try await Self.generateChecked(
            "root ::= [1-9] [0-9]{0,2}", prompt: "How many legs does a spider have?", sampling: .greedy,
            maxTokens: 8, expectStop: true)
        // Multi-byte characters, which the model writes a byte or two per token.
        try await Self.generateChecked(
            "root ::= \"答: \" [一-龯]{2,4}", prompt: "Translate 'mountain' into Chinese.", sampling: .greedy,
            maxTokens: 24, expectStop: true)
        try await Self.generateChecked(
            try Self.decisionMatrix, prompt: "Should I learn Rust or Go first? Answer as a JSON decision matrix.",
            sampling: .greedy, maxTokens: 160, expectStop: false)
    }

    @Test func samplingUnderAGrammarAlwaysKeepsToIt() async throws {
        let list = """
            root ::= "- " item ("\\n- " item){1,3}
            item ::= [A-Z] [a-z ]{1,30}
            """
        for seed in UInt64(1)...4 {
            let sampling = SamplingParameters(
                temperature: 1.0, topK: seed.isMultiple(of: 2) ? 0 : 40, topP: 0.9, minP: seed == 3 ? 0 : 0.05,
                repetitionPenalty: 1.1, repetitionWindow: 64, seed: seed)
            try await Self.generateChecked(
                list, prompt: "List a few fruits.", sampling: sampling, maxTokens: 48, expectStop: false)
            try await Self.generateChecked(
                #"root ::= "{\"score\": " ([0-9] | "10") "}""#, prompt: "Rate pizza from 0 to 10 as JSON.",
                sampling: sampling, maxTokens: 16, expectStop: true)
        }
    }

    @Test func greedyTakesTheFastPathWhenTheBestTokenIsAllowed() throws {
        guard let model = try GreedyFixtureTests.model(), let tokenizer = try Self.tokenizer() else { return }
        var constraint = try GrammarConstraint(grammar: try Grammar(gbnf: "root ::= [^\\x00]*"), tokenizer: tokenizer)
        let session = model.makeSession()
        var logits = try session.evaluate(tokens: Self.chatPrompt(tokenizer, model, "Say hello."))
        var sampler = Sampler(.greedy)
        let expected = Sampler.argmax(logits)
        let picked = try constraint.sample(logits: logits, history: [], sampler: &sampler)
        #expect(picked == Int32(expected))
        #expect(constraint.statistics.fastPathTokens == 1 && constraint.statistics.masksComputed == 0)
        // When the best token is not allowed, the pick is the best allowed one.
        var digits = try GrammarConstraint(grammar: try Grammar(gbnf: "root ::= [0-9]+"), tokenizer: tokenizer)
        let digit = try #require(try digits.sample(logits: logits, history: [], sampler: &sampler))
        let allowed = try digits.allowedTokens()
        let best = allowed.max { logits[Int($0)] < logits[Int($1)] || (logits[Int($0)] == logits[Int($1)] && $0 > $1) }
        #expect(digit == best)
        #expect(digits.statistics.maskedTokens == 1)
        logits[Int(digit)] = -100
        let second = try digits.sample(logits: logits, history: [], sampler: &sampler)
        #expect(second != digit)
    }

    @Test func deadEndsAndFinishedGrammars() throws {
        guard let model = try GreedyFixtureTests.model(), let tokenizer = try Self.tokenizer() else { return }
        let session = model.makeSession()
        let prompt = Self.chatPrompt(tokenizer, model, "Write the letter a.")
        // No token can produce U+0000 (pieces end at NUL): after "a" nothing is allowed.
        let deadEnd = try GrammarConstraint(grammar: try Grammar(gbnf: #"root ::= "a" "\x00""#), tokenizer: tokenizer)
        var sampler = Sampler(.greedy)
        #expect(throws: GrammarError.noAllowedToken) {
            _ = try session.generate(prompt: prompt, maxTokens: 8, sampler: &sampler, stopTokens: model.stopTokens,
                                     grammar: deadEnd, isCancelled: { false })
        }
        // Without any end-of-generation token, a finished grammar ends generation by itself.
        let noStops = try GrammarConstraint(
            grammar: try Grammar(gbnf: #"root ::= "a""#), vocabulary: tokenizer.grammarVocabulary, endOfGeneration: [])
        session.reset()
        let result = try session.generate(prompt: prompt, maxTokens: 8, sampler: &sampler, stopTokens: [],
                                          grammar: noStops, isCancelled: { false })
        #expect(result.stop == .grammarComplete)
        #expect(tokenizer.decode(result.tokens) == "a")
        // A disallowed token is refused and leaves the state as it was.
        var constraint = try GrammarConstraint(grammar: try Grammar(gbnf: #"root ::= "a""#), tokenizer: tokenizer)
        let b = try #require(tokenizer.encode("b", parseSpecial: false).first)
        #expect(throws: GrammarError.rejected("\"b\"")) { try constraint.accept(b) }
        #expect(throws: GrammarError.self) { try constraint.accept(try #require(tokenizer.eosID)) }
        #expect(try constraint.allowedTokens().count > 0)
    }
}

/// Runs `work` on a new thread and waits for it without blocking a cooperative thread.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
