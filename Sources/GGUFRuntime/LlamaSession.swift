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
    public var position: Int { tokens.count }
    public var contextLength: Int { model.contextLength }

    /// Tokens evaluated per pass through the layers (longer inputs are split).
    public static let batchCapacity = 512
    /// Batches of at least this many tokens take llama.cpp's F32 attention path;
    /// smaller ones its F16 one.
    static let preciseAttentionThreshold = 64

    private let kvStride: Int
    private let kCache: UnsafeMutablePointer<UInt16>
    private let vCache: UnsafeMutablePointer<UInt16>
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
            scratchSize = max(scratchSize, cgguf_matmul_scratch_size(Int32(m.type.rawValue), Int64(m.columns), Int64(b)))
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
    }

    /// Forgets tokens after the first `count`, so a prompt sharing a prefix with what
    /// was evaluated needs only its new tokens evaluated.
    public func rewind(to count: Int) {
        if count < tokens.count { tokens.removeLast(tokens.count - max(count, 0)) }
    }

    /// Evaluates `tokens` after those already in the session and returns the logits
    /// (one per vocabulary entry) for the next token after the last of them.
    public func evaluate(tokens newTokens: [Int32]) throws -> [Float] {
        guard !newTokens.isEmpty else { throw GGUFError.invalid("no tokens to evaluate") }
        let needed = position + newTokens.count
        guard needed <= model.contextLength else {
            throw GGUFError.contextFull(needed: needed, contextLength: model.contextLength)
        }
        for token in newTokens where token < 0 || Int(token) >= model.vocabularySize {
            throw GGUFError.tokenOutOfRange(token, vocabularySize: model.vocabularySize)
        }
        var start = 0
        while start < newTokens.count {
            let end = min(start + Self.batchCapacity, newTokens.count)
            try forward(Array(newTokens[start..<end]), outputs: end == newTokens.count ? (end - start - 1)..<(end - start) : 0..<0)
            tokens.append(contentsOf: newTokens[start..<end])
            start = end
        }
        return Array(UnsafeBufferPointer(start: logits, count: model.vocabularySize))
    }

    /// Runs one batch through all layers at positions position ..< position + count. Only the
    /// rows in `outputs` go through the last layer's feed-forward network, as in llama.cpp (whose
    /// kernel for some weight types depends on how many rows a product has); they end up first
    /// in `x`, and with exactly one output its logits are computed.
    private func forward(_ batch: [Int32], outputs: Range<Int>) throws {
        let hp = model.hyperparameters
        let count = batch.count
        let n = hp.embeddingLength
        let hd = hp.headDimension
        let qDim = hp.headCount * hd
        let ff = hp.feedForwardLength
        let first = position
        let ctx = model.contextLength
        let precise: Int32 = count >= Self.preciseAttentionThreshold ? 1 : 0

        for (t, token) in batch.enumerated() {
            try model.embed(token, into: x + t * n)
        }
        model.scaleEmbeddings(x, count: count)
        for (index, layer) in model.layers.enumerated() {
            layer.attentionNorm.withUnsafeBufferPointer { w in
                for t in 0..<count {
                    cgguf_rms_norm(x + t * n, w.baseAddress, xn + t * n, Int64(n), hp.rmsEpsilon)
                }
            }
            model.multiply(layer.query, xn, tokens: count, into: q, outStride: qDim, scratch: scratch)
            model.multiply(layer.key, xn, tokens: count, into: k, outStride: kvStride, scratch: scratch)
            model.multiply(layer.value, xn, tokens: count, into: v, outStride: kvStride, scratch: scratch)
            model.finishProjections(layer, q: q, k: k, v: v, count: count)
            let layerK = kCache + index * ctx * kvStride
            let layerV = vCache + index * ctx * kvStride
            for t in 0..<count {
                model.rotate(q + t * qDim, k + t * kvStride, position: first + t, layer: layer)
                cgguf_store_f16(k + t * kvStride, layerK + (first + t) * kvStride, Int64(kvStride))
                cgguf_store_f16(v + t * kvStride, layerV + (first + t) * kvStride, Int64(kvStride))
            }
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
                for t in 0..<rows {
                    cgguf_rms_norm(x + t * n, w.baseAddress, xn + t * n, Int64(n), hp.rmsEpsilon)
                }
            }
            model.multiply(layer.gate, xn, tokens: rows, into: gate, outStride: ff, scratch: scratch)
            model.multiply(layer.up, xn, tokens: rows, into: up, outStride: ff, scratch: scratch)
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
        let needed = position + newTokens.count
        guard needed <= model.contextLength else {
            throw GGUFError.contextFull(needed: needed, contextLength: model.contextLength)
        }
        for token in newTokens where token < 0 || Int(token) >= model.vocabularySize {
            throw GGUFError.tokenOutOfRange(token, vocabularySize: model.vocabularySize)
        }
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
            try forward(Array(newTokens[start..<end]), outputs: outputs)
            tokens.append(contentsOf: newTokens[start..<end])
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
