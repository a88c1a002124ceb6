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
    public func generate(
        prompt: [Int32],
        maxTokens: Int,
        sampler: inout Sampler,
        stopTokens: Set<Int32>,
        isCancelled: () -> Bool = { Task.isCancelled },
        onToken: (Int32) throws -> Void = { _ in }
    ) throws -> GenerationResult {
        var result = GenerationResult(tokens: [], stop: .maxTokens, promptTokensEvaluated: prompt.count)
        if isCancelled() {
            result.stop = .cancelled
            return result
        }
        guard !prompt.isEmpty || position > 0 else { throw GGUFError.invalid("no prompt tokens to start from") }
        var start = prompt
        if start.isEmpty, let last = tokens.last {
            // Continue from where the session stands: re-evaluate its last token for logits.
            rewind(to: position - 1)
            start = [last]
        }
        var logits = try evaluate(tokens: start)
        while result.tokens.count < maxTokens {
            if isCancelled() {
                result.stop = .cancelled
                return result
            }
            let token = sampler.sample(logits: logits, history: tokens)
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
