/// Why a generation ended.
public enum GenerationStop: Sendable, Equatable {
    /// The model produced this end-of-generation token (not included in the output).
    case stopToken(Int32)
    /// `maxTokens` tokens were produced.
    case maxTokens
    /// The cancellation check returned true between two tokens.
    case cancelled
    /// The KV cache is full.
    case contextFull
    /// The grammar accepted the output and allowed nothing more, not even an end-of-generation
    /// token (none was known). With a tokenizer's end-of-generation tokens this does not happen:
    /// a complete output ends with `.stopToken` as in llama.cpp.
    case grammarComplete
}

/// The tokens a generation produced and why it ended.
public struct GenerationResult: Sendable, Equatable {
    public var tokens: [Int32]
    public var stop: GenerationStop
    /// Prompt tokens evaluated by this call (after any reused prefix).
    public var promptTokensEvaluated: Int
}

extension LlamaModel {
    /// End-of-generation token ids named in the metadata: eos, eot and eom.
    public var stopTokens: Set<Int32> {
        let keys = ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"]
        return Set(keys.compactMap { file.metadata.int32($0) }.filter { $0 >= 0 && Int($0) < vocabularySize })
    }
}

extension LlamaSession {
    /// Evaluates `prompt` after the tokens already in the session, then samples up to
    /// `maxTokens` tokens, calling `onToken` with each (before it is evaluated).
    /// `isCancelled` is checked between tokens; cancellation ends the generation
    /// normally with `.cancelled`. Sampled stop tokens end it and are not evaluated.
    ///
    /// `grammar`: when given, every token is picked under it (see `GrammarConstraint.sample`:
    /// disallowed tokens are masked before any sampler) and the constraint advances past it;
    /// the grammar's end-of-generation tokens then end generation too, and are allowed only
    /// where the grammar accepts, so a finished output ends with `.stopToken` as in llama-server.
    /// If the output is incomplete and no token can continue it, this throws
    /// `GrammarError.noAllowedToken` (the tokens so far have gone to `onToken`). Without a
    /// grammar, generation is unchanged.
    ///
    /// `wholeContext`: `prompt` is everything from position 0 and goes through `evaluatePrompt`,
    /// which keeps the prefix the session already holds exactly as a fresh evaluation would
    /// compute it; the logits, and so the generation, are those of a new session.
    public func generate(
        prompt: [Int32],
        wholeContext: Bool = false,
        maxTokens: Int,
        sampler: inout Sampler,
        stopTokens: Set<Int32>,
        grammar: GrammarConstraint? = nil,
        isCancelled: () -> Bool = { Task.isCancelled },
        onToken: (Int32) throws -> Void = { _ in }
    ) throws -> GenerationResult {
        var result = GenerationResult(tokens: [], stop: .maxTokens, promptTokensEvaluated: prompt.count)
        if isCancelled() {
            result.stop = .cancelled
            return result
        }
        guard !prompt.isEmpty || (position > 0 && !wholeContext) else {
            throw GGUFError.invalid("no prompt tokens to start from")
        }
        var logits: [Float]
        if wholeContext {
            (logits, result.promptTokensEvaluated) = try evaluatePrompt(prompt)
        } else {
            var start = prompt
            if start.isEmpty, let last = tokens.last {
                // Continue from where the session stands: re-evaluate its last token for logits.
                rewind(to: position - 1)
                start = [last]
            }
            logits = try evaluate(tokens: start)
        }
        var constraint = grammar
        while result.tokens.count < maxTokens {
            if isCancelled() {
                result.stop = .cancelled
                return result
            }
            let token: Int32
            if constraint != nil {
                guard let picked = try constraint!.sample(
                    logits: logits, history: tokens, sampler: &sampler, stopTokens: stopTokens)
                else {
                    result.stop = .grammarComplete
                    return result
                }
                if constraint!.endOfGeneration.contains(picked) {
                    result.stop = .stopToken(picked)
                    return result
                }
                try constraint!.accept(picked, stopTokens: stopTokens)
                token = picked
            } else {
                token = sampler.sample(logits: logits, history: tokens)
            }
            if stopTokens.contains(token) {
                result.stop = .stopToken(token)
                return result
            }
            result.tokens.append(token)
            try onToken(token)
            if result.tokens.count == maxTokens { break }
            guard position < contextLength else {
                result.stop = .contextFull
                return result
            }
            logits = try evaluate(tokens: [token])
        }
        return result
    }
}
