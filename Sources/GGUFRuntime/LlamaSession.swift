import CGGUFKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One conversation state of a model: its F16 KV cache and the tokens evaluated so
/// far. Use from one task at a time (not Sendable); several sessions may share a model.
public final class LlamaSession {
    public let model: LlamaModel
    /// Tokens evaluated so far; `position` is their count.
    public private(set) var tokens: [Int32] = []
    /// The attention path each of `tokens` was computed with.
    public private(set) var paths: [AttentionPath] = []
    public var position: Int { tokens.count }
    public var contextLength: Int { model.contextLength }

    /// Tokens evaluated per pass through the layers (longer inputs are split).
    public static let batchCapacity = 512
    /// Batches of at least this many tokens take llama.cpp's F32 attention path;
    /// smaller ones its F16 one.
    static let preciseAttentionThreshold = 64
    /// How prompts are cut so that a reused prefix equals a fresh evaluation (see `evaluatePrompt`).
    public static let chunking = PromptChunking(chunkSize: batchCapacity, tiledThreshold: preciseAttentionThreshold)

    /// Halves per position and layer in each of the K and V caches.
    let kvStride: Int
    /// Layer l's keys of position p are at kCache + (l * contextLength + p) * kvStride; values alike.
    let kCache: UnsafeMutablePointer<UInt16>
    let vCache: UnsafeMutablePointer<UInt16>
    private let buffers: UnsafeMutablePointer<Float>
    private let x, xn, q, k, v, attention, projected, gate, up, logits: UnsafeMutablePointer<Float>
    private let scratch: UnsafeMutableRawPointer

    init(model: LlamaModel) {
        self.model = model
        let hp = model.hyperparameters
        let b = Self.batchCapacity
        let n = hp.embeddingLength
        let qDim = hp.headCount * hp.headDimension
        kvStride = hp.kvHeadCount * hp.headDimension
        let cacheCount = hp.layerCount * model.contextLength * kvStride
        // calloc: pages are only made resident as the context fills.
        guard let kc = calloc(cacheCount, 2), let vc = calloc(cacheCount, 2) else {
            fatalError("cannot allocate a KV cache of \(cacheCount * 4) bytes")
        }
        kCache = kc.bindMemory(to: UInt16.self, capacity: cacheCount)
        vCache = vc.bindMemory(to: UInt16.self, capacity: cacheCount)

        let sizes = [b * n, b * n, b * qDim, b * kvStride, b * kvStride, b * qDim, b * n,
                     b * hp.feedForwardLength, b * hp.feedForwardLength, hp.vocabularySize]
        let total = sizes.reduce(0, +)
        buffers = .allocate(capacity: total)
        buffers.initialize(repeating: 0, count: total)
        var pointers: [UnsafeMutablePointer<Float>] = []
        var offset = 0
        for size in sizes {
            pointers.append(buffers + offset)
            offset += size
        }
        (x, xn, q, k, v, attention, projected, gate, up, logits) =
            (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5], pointers[6],
             pointers[7], pointers[8], pointers[9])

        var scratchSize = 64
        let matrices = model.layers.flatMap { [$0.query, $0.key, $0.value, $0.attentionOutput, $0.gate, $0.up, $0.down] }
            + [model.output]
        for m in matrices {
            scratchSize = max(scratchSize, cgguf_matmul_scratch_size(m.kernelType, Int64(m.columns), Int64(b)))
        }
        scratch = .allocate(byteCount: scratchSize, alignment: 64)
    }

    deinit {
        free(kCache)
        free(vCache)
        buffers.deallocate()
        scratch.deallocate()
    }

    /// Forgets all evaluated tokens.
    public func reset() {
        tokens.removeAll(keepingCapacity: true)
        paths.removeAll(keepingCapacity: true)
    }

    /// Forgets tokens after the first `count`, so a prompt sharing a prefix with what
    /// was evaluated needs only its new tokens evaluated.
    public func rewind(to count: Int) {
        if count < tokens.count {
            tokens.removeLast(tokens.count - max(count, 0))
            paths.removeLast(paths.count - tokens.count)
        }
    }

    /// Evaluates `tokens` after those already in the session and returns the logits
    /// (one per vocabulary entry) for the next token after the last of them. Batches of
    /// `batchCapacity` from the current position, each taking the path its size selects.
    public func evaluate(tokens newTokens: [Int32]) throws -> [Float] {
        guard !newTokens.isEmpty else { throw GGUFError.invalid("no tokens to evaluate") }
        try check(newTokens[...], from: position)
        var start = 0
        while start < newTokens.count {
            let end = min(start + Self.batchCapacity, newTokens.count)
            let path: AttentionPath = end - start >= Self.preciseAttentionThreshold ? .tiled : .oneQuery
            try append(newTokens[start..<end], path: path, last: end == newTokens.count)
            start = end
        }
        return Array(UnsafeBufferPointer(start: logits, count: model.vocabularySize))
    }

    /// How many leading tokens of what the session holds `evaluatePrompt(prompt)` would keep.
    public func reusablePrefix(for prompt: [Int32]) -> Int {
        min(Self.chunking.reusablePrefix(heldTokens: tokens, heldPaths: paths, prompt: prompt, promptEnd: prompt.count),
            prompt.count - 1)
    }

    /// The logits after `prompt`, a whole context from position 0, bit for bit as a new session's
    /// `evaluate(tokens: prompt)` gives them, evaluating only what the session does not already
    /// hold: the longest prefix whose tokens and attention paths are what a fresh run computes
    /// (see `PromptChunking`) is kept, the rest evaluated in batches aligned as a fresh run's.
    /// Returns the logits and how many tokens were evaluated.
    public func evaluatePrompt(_ prompt: [Int32]) throws -> (logits: [Float], evaluated: Int) {
        guard !prompt.isEmpty else { throw GGUFError.invalid("no tokens to evaluate") }
        let kept = max(0, reusablePrefix(for: prompt))
        try check(prompt[kept...], from: kept)
        rewind(to: kept)
        let batches = Self.chunking.batches(kept..<prompt.count, promptEnd: prompt.count, maxBatch: Self.batchCapacity)
        for batch in batches {
            try append(prompt[batch.range], path: batch.path, last: batch.range.upperBound == prompt.count)
        }
        return (Array(UnsafeBufferPointer(start: logits, count: model.vocabularySize)), prompt.count - kept)
    }

    /// Makes the session hold `prefix` (a whole context from position 0) ahead of a prompt that
    /// will start with it, as `evaluatePrompt` of that longer prompt would compute it, so the
    /// prompt later needs only its own new tokens. Positions already held that way are kept.
    /// Batches are at most `maxBatch` long and `isCancelled` is asked before each; what was
    /// evaluated stays. Returns how many leading tokens of `prefix` the session now holds.
    @discardableResult
    public func prefill(_ prefix: [Int32], maxBatch: Int = 64, isCancelled: () -> Bool = { false }) throws -> Int {
        let kept = Self.chunking.reusablePrefix(heldTokens: tokens, heldPaths: paths, prompt: prefix, promptEnd: nil)
        try check(prefix[kept...], from: kept)
        rewind(to: kept)
        guard kept < prefix.count else { return kept }
        for batch in Self.chunking.batches(kept..<prefix.count, promptEnd: nil, maxBatch: max(1, maxBatch)) {
            if isCancelled() { break }
            try append(prefix[batch.range], path: batch.path, last: false)
        }
        return position
    }

    /// Takes `tokens`, computed by `paths`, as held: their keys and values have just been put in
    /// the cache (a saved state read back).
    func hold(tokens held: [Int32], paths heldPaths: [AttentionPath]) {
        precondition(held.count == heldPaths.count && held.count <= contextLength)
        tokens = held
        paths = heldPaths
    }

    /// Throws for tokens that cannot go at `start` onwards: past the context, or not in the vocabulary.
    private func check(_ newTokens: ArraySlice<Int32>, from start: Int) throws {
        let needed = start + newTokens.count
        guard needed <= model.contextLength else {
            throw GGUFError.contextFull(needed: needed, contextLength: model.contextLength)
        }
        for token in newTokens where token < 0 || Int(token) >= model.vocabularySize {
            throw GGUFError.tokenOutOfRange(token, vocabularySize: model.vocabularySize)
        }
    }

    /// Runs one batch at the current position and records it; with `last`, computes the logits
    /// of its last token.
    private func append(_ batch: ArraySlice<Int32>, path: AttentionPath, last: Bool) throws {
        try append(batch, path: path, outputs: last ? (batch.count - 1)..<batch.count : 0..<0)
    }

    /// Runs one batch at the current position, only `outputs` (indices into `batch`) through the
    /// last layer's feed-forward network (see `forward`), and records it.
    private func append(_ batch: ArraySlice<Int32>, path: AttentionPath, outputs: Range<Int>) throws {
        try forward(Array(batch), path: path, outputs: outputs)
        tokens.append(contentsOf: batch)
        paths.append(contentsOf: repeatElement(path, count: batch.count))
    }

    /// Runs one batch through all layers at positions position ..< position + count. Only the
    /// rows in `outputs` go through the last layer's feed-forward network, as in llama.cpp (whose
    /// kernel for some weight types depends on how many rows a product has); they end up first
    /// in `x`, and with exactly one output its logits are computed.
    private func forward(_ batch: [Int32], path: AttentionPath, outputs: Range<Int>) throws {
        let hp = model.hyperparameters
        let count = batch.count
        let n = hp.embeddingLength
        let hd = hp.headDimension
        let qDim = hp.headCount * hd
        let ff = hp.feedForwardLength
        let first = position
        let ctx = model.contextLength
        let precise: Int32 = path == .tiled ? 1 : 0

        for (t, token) in batch.enumerated() {
            try model.embed(token, into: x + t * n)
        }
        model.scaleEmbeddings(x, count: count)
        for (index, layer) in model.layers.enumerated() {
            layer.attentionNorm.withUnsafeBufferPointer { w in
                cgguf_rms_norm_rows(model.pool, x, w.baseAddress, xn, Int64(n), Int64(count), hp.rmsEpsilon)
            }
            model.multiply([(layer.query, q, qDim), (layer.key, k, kvStride), (layer.value, v, kvStride)], xn,
                           tokens: count, scratch: scratch)
            model.finishProjections(layer, q: q, k: k, v: v, count: count)
            let layerK = kCache + index * ctx * kvStride
            let layerV = vCache + index * ctx * kvStride
            model.rotateAndStore(q: q, k: k, v: v, first: first, count: count, layer: layer,
                                 kDestination: layerK + first * kvStride, vDestination: layerV + first * kvStride)
            model.scaleQueries(q, count: count)
            cgguf_attention_ext(model.pool, q, layerK, layerV, Int64(kvStride), Int64(first), Int64(count),
                                Int64(hp.headCount), Int64(hp.kvHeadCount), Int64(hd), model.attentionScale, precise,
                                Int64(layer.slidingWindow), hp.attentionLogitCap, attention)
            model.multiply(layer.attentionOutput, attention, tokens: count, into: projected, outStride: n, scratch: scratch)
            model.normalise(projected, count: count, width: n, weights: layer.postAttentionNorm)
            cgguf_add(x, projected, Int64(count * n))

            var rows = count
            if index == model.layers.count - 1 {
                if outputs.lowerBound > 0 { memmove(x, x + outputs.lowerBound * n, outputs.count * n * MemoryLayout<Float>.size) }
                rows = outputs.count
                if rows == 0 { break }
            }
            layer.feedForwardNorm.withUnsafeBufferPointer { w in
                cgguf_rms_norm_rows(model.pool, x, w.baseAddress, xn, Int64(n), Int64(rows), hp.rmsEpsilon)
            }
            model.multiply([(layer.gate, gate, ff), (layer.up, up, ff)], xn, tokens: rows, scratch: scratch)
            model.activate(gate: gate, up: up, count: rows)
            model.multiply(layer.down, gate, tokens: rows, into: projected, outStride: n, scratch: scratch)
            model.normalise(projected, count: rows, width: n, weights: layer.postFeedForwardNorm)
            cgguf_add(x, projected, Int64(rows * n))
        }
        guard outputs.count == 1 else { return }
        let lastRow = x
        model.outputNorm.withUnsafeBufferPointer { w in
            cgguf_rms_norm(lastRow, w.baseAddress, xn, Int64(n), hp.rmsEpsilon)
        }
        model.multiply(model.output, xn, tokens: 1, into: logits, outStride: model.vocabularySize, scratch: scratch)
        model.finishLogits(logits, count: 1)
    }
}

extension LlamaSession {
    /// Rows of logits computed per output product: large enough for the tiled kernels, small
    /// enough that the buffer (this many vocabulary-sized rows) stays a few MiB. A multiple of 4,
    /// and a rest of fewer than 8 rows joins the last product, so the kernels llama.cpp picks by
    /// row count (8 or more, groups of 4) see the rows as its one product over them all does.
    static let logitRowsPerProduct = 32

    /// Evaluates `newTokens` after those already in the session, in passes of at most
    /// `batchSize` tokens, and calls `body(i, logits)` for every index `i >= firstOutput` of
    /// `newTokens`, in order, with the logits for the token after `newTokens[i]` (the buffer is
    /// only valid during the call). Perplexity needs these for whole batches; `evaluate(tokens:)`
    /// computes only the last row, and its numbers do not depend on this path.
    public func evaluate(
        tokens newTokens: [Int32], batchSize: Int, outputsFrom firstOutput: Int,
        body: (Int, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        guard !newTokens.isEmpty else { throw GGUFError.invalid("no tokens to evaluate") }
        guard batchSize > 0 else { throw GGUFError.invalid("batch size \(batchSize) is not positive") }
        try check(newTokens[...], from: position)
        let vocabulary = model.vocabularySize
        let group = Self.logitRowsPerProduct
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: (group + 7) * vocabulary)
        defer { rows.deallocate() }
        let n = model.hyperparameters.embeddingLength
        let step = min(batchSize, Self.batchCapacity)
        var start = 0
        while start < newTokens.count {
            let end = min(start + step, newTokens.count)
            let outputs = min(max(firstOutput - start, 0), end - start)..<(end - start)
            let path: AttentionPath = end - start >= Self.preciseAttentionThreshold ? .tiled : .oneQuery
            try append(newTokens[start..<end], path: path, outputs: outputs)
            var row = start + outputs.lowerBound
            while row < end {
                let count = end - row < group + 8 ? end - row : group
                model.outputNorm.withUnsafeBufferPointer { w in
                    for r in 0..<count {
                        cgguf_rms_norm(x + (row - start - outputs.lowerBound + r) * n, w.baseAddress, xn + r * n, Int64(n),
                                       model.hyperparameters.rmsEpsilon)
                    }
                }
                model.multiply(model.output, xn, tokens: count, into: rows, outStride: vocabulary, scratch: scratch)
                model.finishLogits(rows, count: count)
                for r in 0..<count {
                    try body(row + r, UnsafeBufferPointer(start: rows + r * vocabulary, count: vocabulary))
                }
                row += count
            }
            start = end
        }
    }
}
