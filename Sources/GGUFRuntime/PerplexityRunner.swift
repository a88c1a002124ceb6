/// Runs llama-perplexity's two measurements on a model: perplexity over a text, and KL divergence
/// from a base file's log-probabilities. The text is cut into chunks of the context length; each
/// chunk is evaluated from an empty cache (its first token replaced by BOS when the tokenizer adds
/// one) and only the second half is scored, so every scored token has at least half a context
/// before it.
public final class PerplexityRunner {
    public let model: LlamaModel
    /// The token each chunk starts with when the vocabulary adds BOS, else nil.
    public let bos: Int32?
    private let session: LlamaSession

    public init(model: LlamaModel, bos: Int32?) {
        self.model = model
        self.bos = bos
        session = model.makeSession()
    }

    /// Chunks a text of `tokenCount` tokens gives: whole contexts, at most `limit`.
    public static func chunkCount(tokenCount: Int, contextLength: Int, limit: Int?) -> Int {
        let available = tokenCount / contextLength
        return limit.map { min($0, available) } ?? available
    }

    /// Checks a text is long enough (two chunks, as llama-perplexity asks) for `contextLength`.
    public static func validate(tokenCount: Int, contextLength: Int) throws {
        guard contextLength >= 4 else { throw PerplexityError.contextTooShort(contextLength) }
        guard tokenCount >= 2 * contextLength else {
            throw PerplexityError.textTooShort(tokens: tokenCount, needed: 2 * contextLength, contextLength: contextLength)
        }
    }

    /// Evaluates `chunk` from an empty cache and calls `body(i, logits, next)` for each scored
    /// position, i counting from 0, with the logits there and the token that follows it.
    func score(_ chunk: ArraySlice<Int32>, batchSize: Int, body: (Int, UnsafeBufferPointer<Float>, Int) throws -> Void) throws {
        var input = Array(chunk)
        if let bos { input[0] = bos }
        let first = input.count / 2
        session.reset()
        try session.evaluate(tokens: input, batchSize: batchSize, outputsFrom: first) { i, logits in
            guard i < input.count - 1 else { return }
            try body(i - first, logits, Int(chunk[chunk.startIndex + i + 1]))
        }
    }

    /// Perplexity over `tokens` in chunks of `contextLength`; each scored position also goes to
    /// `writer` when given, and to `onRow(chunk, i, logits)` (chunk and i from 0; the buffer is
    /// valid during the call). `onChunk(n, running)` follows every chunk.
    public func perplexity(
        tokens: [Int32], contextLength: Int, batchSize: Int, chunks: Int, writer: LogitsBaseWriter?,
        onChunk: (Int, PerplexityAccumulator) -> Void = { _, _ in },
        onRow: (Int, Int, UnsafeBufferPointer<Float>) throws -> Void = { _, _, _ in }
    ) throws -> PerplexityAccumulator {
        try Self.validate(tokenCount: tokens.count, contextLength: contextLength)
        var result = PerplexityAccumulator()
        for c in 0..<chunks {
            let chunk = tokens[(c * contextLength)..<((c + 1) * contextLength)]
            try score(chunk, batchSize: batchSize) { i, logits, next in
                try onRow(c, i, logits)
                if let writer {
                    result.add(negativeLogLikelihood: try writer.append(logits: logits, target: next))
                } else {
                    result.add(negativeLogLikelihood: LogProbabilityRow.negativeLogLikelihood(logits, target: next))
                }
            }
            onChunk(c + 1, result)
        }
        try writer?.flush()
        return result
    }

    /// KL divergence of this model's logits from `base`'s, over the base's own tokens and chunks
    /// (at most `chunks`); each position also goes to `writer` when given.
    public func klDivergence(
        base: LogitsBaseFile, batchSize: Int, chunks: Int?, writer: LogitsBaseWriter?,
        onChunk: (Int, KLDivergenceAccumulator) -> Void = { _, _ in }
    ) throws -> KLDivergenceAccumulator {
        guard base.vocabularySize == model.vocabularySize else {
            throw PerplexityError.logitsFileMismatch(
                path: base.path, reason: "its vocabulary has \(base.vocabularySize) entries, the model's \(model.vocabularySize)")
        }
        if let bad = base.tokens.first(where: { $0 < 0 || Int($0) >= model.vocabularySize }) {
            throw PerplexityError.logitsFileCorrupt(path: base.path, reason: "token \(bad) is outside the vocabulary")
        }
        let context = base.contextLength
        var row = [UInt16](repeating: 0, count: base.wordsPerRow)
        var result = KLDivergenceAccumulator()
        for c in 0..<(chunks.map { min($0, base.chunkCount) } ?? base.chunkCount) {
            try score(base.tokens[(c * context)..<((c + 1) * context)], batchSize: batchSize) { i, logits, next in
                try row.withUnsafeMutableBufferPointer { stored in
                    base.readRow(chunk: c, index: i, into: stored)
                    let (scale, minimum) = LogProbabilityRow.header(UnsafeBufferPointer(stored))
                    guard scale.isFinite, scale >= 0, minimum.isFinite else {
                        throw PerplexityError.logitsFileCorrupt(path: base.path, reason: "chunk \(c + 1) has a row with an invalid scale")
                    }
                    result.add(logits: logits, base: UnsafeBufferPointer(stored), target: next)
                }
                try writer?.append(logits: logits, target: next)
            }
            onChunk(c + 1, result)
        }
        try writer?.flush()
        return result
    }
}
