import Testing
@testable import GGUFRuntime

/// A prompt evaluated after a reused prefix gives the logits of a fresh evaluation, bit for bit.
@Suite(.serialized) struct PrefixReuseTests {
    let chunking = PromptChunking(chunkSize: 8, tiledThreshold: 3)

    // MARK: - The pure rules

    @Test func pathFollowsTheAlignedChunkCutAtThePromptEnd() {
        // A 19-token prompt: chunks 0..<8 and 8..<16 are whole, 16..<19 has 3 tokens (tiled).
        #expect((0..<19).allSatisfy { chunking.path(at: $0, promptEnd: 19) == .tiled })
        // An 18-token prompt's last chunk has 2: one query at a time, as a fresh run's last batch.
        #expect(chunking.path(at: 15, promptEnd: 18) == .tiled)
        #expect(chunking.path(at: 16, promptEnd: 18) == .oneQuery)
        #expect(chunking.path(at: 17, promptEnd: 18) == .oneQuery)
        // A short prompt is one short chunk; an open end counts as a full chunk.
        #expect(chunking.path(at: 0, promptEnd: 2) == .oneQuery)
        #expect(chunking.path(at: 17, promptEnd: nil) == .tiled)
    }

    @Test func batchesNeverSpanAChunk() {
        let batches = chunking.batches(5..<21, promptEnd: 21, maxBatch: 6)
        #expect(batches.map(\.range) == [5..<8, 8..<14, 14..<16, 16..<21])
        #expect(batches.map(\.path) == [.tiled, .tiled, .tiled, .tiled])
        let short = chunking.batches(14..<18, promptEnd: 18, maxBatch: 100)
        #expect(short.map(\.range) == [14..<16, 16..<18])
        #expect(short.map(\.path) == [.tiled, .oneQuery])
    }

    @Test func reuseStopsAtTheFirstDifferentTokenOrPath() {
        let held: [Int32] = Array(1...18)
        let heldPaths = (0..<18).map { chunking.path(at: $0, promptEnd: 18) }
        // Growing from 18 to 19 tokens turns the last chunk tiled: its two held positions were
        // computed one query at a time, so only the whole chunks before it are reusable.
        #expect(chunking.reusablePrefix(heldTokens: held, heldPaths: heldPaths, prompt: Array(1...19), promptEnd: 19) == 16)
        // The same prompt again: everything.
        #expect(chunking.reusablePrefix(heldTokens: held, heldPaths: heldPaths, prompt: held, promptEnd: 18) == 18)
        // An edit at position 5.
        var edited = Array(held)
        edited[5] = 99
        #expect(chunking.reusablePrefix(heldTokens: held, heldPaths: heldPaths, prompt: edited, promptEnd: 18) == 5)
        // Generated tokens (one query each) are not what a prompt computes in a tiled chunk.
        let generated = Array(repeating: AttentionPath.oneQuery, count: 18)
        #expect(chunking.reusablePrefix(heldTokens: held, heldPaths: generated, prompt: Array(1...19), promptEnd: 19) == 0)
    }

    // MARK: - On the default model

    static func model() throws -> (LlamaModel, Tokenizer, ChatTemplate)? {
        guard let model = try GreedyFixtureTests.model() else { return nil }
        return (model, try Tokenizer(file: model.file), ChatTemplate.detect(in: model.file))
    }

    static func prompt(_ tokenizer: Tokenizer, _ template: ChatTemplate, _ messages: [(String, String)]) -> [Int32] {
        tokenizer.encode(
            segments: template.renderSegments(messages: messages.map { (role: $0.0, content: $0.1) }, addGenerationPrompt: true),
            addSpecial: true)
    }

    /// Text of about `words` words that differs with `seed`.
    static func text(_ seed: Int, words: Int) -> String {
        let vocabulary = ["the", "garden", "needs", "water", "before", "noon", "and", "my", "neighbour", "asked",
                          "whether", "tomatoes", "grow", "better", "in", "pots", "or", "raised", "beds", "today"]
        return (0..<words).map { vocabulary[($0 * 7 + seed * 13) % vocabulary.count] }.joined(separator: " ")
    }

    /// Asserts `session.evaluatePrompt(prompt)` equals a new session's logits and evaluated fewer
    /// tokens than the prompt has when `expectReuse`.
    static func expectFresh(
        _ session: LlamaSession, _ prompt: [Int32], expectReuse: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let fresh = try session.model.makeSession().evaluate(tokens: prompt)
        let (logits, evaluated) = try session.evaluatePrompt(prompt)
        #expect(logits == fresh, "logits differ from a fresh evaluation of \(prompt.count) tokens", sourceLocation: sourceLocation)
        #expect(session.tokens == prompt, sourceLocation: sourceLocation)
        if expectReuse {
            #expect(evaluated < prompt.count, "nothing was reused", sourceLocation: sourceLocation)
        }
    }

    /// Splitting a prompt where llama.cpp-style batching would (a 40-token tail after a reused
    /// prefix takes the one-query path) moves the logits: why reuse must follow `PromptChunking`.
    @Test func naiveSplitIsNotAFreshEvaluation() async throws {
        guard let (model, tokenizer, template) = try Self.model() else { return }
        try await onOwnThread {
            let prompt = Self.prompt(tokenizer, template, [("user", Self.text(1, words: 150))])
            let fresh = try model.makeSession().evaluate(tokens: prompt)
            let split = model.makeSession()
            _ = try split.evaluate(tokens: Array(prompt.dropLast(40)))
            #expect(try split.evaluate(tokens: Array(prompt.suffix(40))) != fresh)
        }
    }

    @Test func growingChatEditsRetryTrimmingAndPersonaSwitch() async throws {
        guard let (model, tokenizer, template) = try Self.model() else { return }
        try await onOwnThread {
            let session = model.makeSession()
            var messages: [(String, String)] = [("system", "You are a patient gardening assistant.")]
            // Turns whose replies are generated (one query per token) and then sent back as text.
            for turn in 0..<3 {
                messages.append(("user", Self.text(turn, words: 90 + 30 * turn)))
                let prompt = Self.prompt(tokenizer, template, messages)
                try Self.expectFresh(session, prompt, expectReuse: turn > 0)
                var sampler = Sampler(.greedy)
                let reply = try session.generate(
                    prompt: prompt, wholeContext: true, maxTokens: 40, sampler: &sampler, stopTokens: model.stopTokens,
                    isCancelled: { false })
                #expect(reply.promptTokensEvaluated == 1, "the held prompt is reused but for its last token")
                messages.append(("assistant", tokenizer.decode(reply.tokens)))
            }
            messages.append(("user", Self.text(7, words: 40)))
            let longest = Self.prompt(tokenizer, template, messages)
            #expect(longest.count > 512, "the chat crosses a chunk boundary")
            try Self.expectFresh(session, longest, expectReuse: true)
            // /retry: the same prompt.
            try Self.expectFresh(session, longest, expectReuse: true)
            #expect(try session.evaluatePrompt(longest).evaluated == 1)
            // /edit of the second user message.
            var edited = messages
            edited[3].1 = "Actually, tell me about roses instead."
            try Self.expectFresh(session, Self.prompt(tokenizer, template, edited), expectReuse: true)
            // Context trimming drops the oldest turn after the system prompt.
            var trimmed = messages
            trimmed.removeSubrange(1...2)
            try Self.expectFresh(session, Self.prompt(tokenizer, template, trimmed), expectReuse: true)
            // Another persona: a new system prompt.
            var persona = messages
            persona[0].1 = "You are a terse assistant who answers in one line."
            try Self.expectFresh(session, Self.prompt(tokenizer, template, persona), expectReuse: true)
            // And back, then the full chat once more.
            try Self.expectFresh(session, longest, expectReuse: true)
        }
    }

    /// Prompts ending just past a chunk boundary (a short last chunk, one query at a time) and then
    /// growing past the tiled threshold; shrinking; exactly at boundaries.
    @Test func chunkBoundariesAndShortLastChunks() async throws {
        guard let (model, tokenizer, _) = try Self.model() else { return }
        try await onOwnThread {
            let words = tokenizer.encode(Self.text(3, words: 1100), parseSpecial: false)
            #expect(words.count >= 1088)
            let session = model.makeSession()
            let chunk = LlamaSession.batchCapacity
            for length in [520, 600, 575, 512, 513, 1024 + 63, 1024 + 64] {
                try Self.expectFresh(session, Array(words.prefix(length)), expectReuse: length != 520)
            }
            // 520 then 600: the 8 held tokens past 512 took the one-query path, 600 needs them tiled.
            _ = try session.evaluatePrompt(Array(words.prefix(520)))
            #expect(try session.evaluatePrompt(Array(words.prefix(600))).evaluated == 600 - chunk)
        }
    }

    /// A prefix evaluated ahead of its prompt (the reply while the user types) is reused, and the
    /// result is still a fresh evaluation's, also when the prompt ends in a short chunk.
    @Test func prefilledPrefixIsReusedExactly() async throws {
        guard let (model, tokenizer, _) = try Self.model() else { return }
        try await onOwnThread {
            let words = tokenizer.encode(Self.text(5, words: 600), parseSpecial: false)
            let session = model.makeSession()
            _ = try session.evaluatePrompt(Array(words.prefix(200)))
            #expect(try session.prefill(Array(words.prefix(500))) == 500)
            try Self.expectFresh(session, Array(words.prefix(560)), expectReuse: true)
            #expect(session.position == 560)
            // Past 512 the open end was taken as tiled; a prompt ending at 530 needs one-query there.
            #expect(try session.prefill(Array(words.prefix(528))) == 528)
            let (_, evaluated) = try session.evaluatePrompt(Array(words.prefix(530)))
            #expect(evaluated == 530 - 512)
            try Self.expectFresh(session, Array(words.prefix(530)), expectReuse: true)
            // Cancelled before the first batch: nothing new, what was held stays.
            #expect(try session.prefill(Array(words.prefix(590)), isCancelled: { true }) == 512)
        }
    }

    /// Sampling (seeded) and a grammar see the same logits, so they pick the same tokens.
    @Test func samplingAndGrammarAreUnaffected() async throws {
        guard let (model, tokenizer, template) = try Self.model() else { return }
        try await onOwnThread {
            let grammar = try Grammar(gbnf: #"root ::= "{\"answer\": \"" [a-z ]{1,40} "\"}""#)
            let first = Self.prompt(tokenizer, template, [("user", "Name a fruit.")])
            let second = Self.prompt(tokenizer, template, [("user", "Name a fruit."), ("assistant", "Apple."),
                                                             ("user", "Another one, as JSON.")])
            func run(_ session: LlamaSession, _ prompt: [Int32], constrained: Bool) throws -> [Int32] {
                var sampler = Sampler(SamplingParameters(temperature: 0.9, repetitionPenalty: 1.1, seed: 7))
                let constraint = constrained ? try GrammarConstraint(grammar: grammar, tokenizer: tokenizer) : nil
                return try session.generate(
                    prompt: prompt, wholeContext: true, maxTokens: 24, sampler: &sampler, stopTokens: model.stopTokens,
                    grammar: constraint, isCancelled: { false }).tokens
            }
            let reused = model.makeSession()
            _ = try run(reused, first, constrained: false)
            for constrained in [false, true] {
                let expected = try run(model.makeSession(), second, constrained: constrained)
                #expect(try run(reused, second, constrained: constrained) == expected)
            }
        }
    }
}
