import CGGUFKernels

/// The steps of a forward pass that differ between architectures, each a no-op for llama, in
/// the order llama.cpp's graphs apply them.
extension LlamaModel {
    /// Gemma: embeddings times √(embedding length).
    func scaleEmbeddings(_ x: UnsafeMutablePointer<Float>, count: Int) {
        guard hyperparameters.traits.scalesEmbeddings else { return }
        let n = hyperparameters.embeddingLength
        cgguf_scale(x, Int64(count * n), Float(n).squareRoot())
    }

    /// Qwen 2's projection biases, then Qwen 3 / Gemma 3's per-head RMS norms of Q and K.
    func finishProjections(_ layer: LlamaLayer, q: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>,
                           v: UnsafeMutablePointer<Float>, count: Int) {
        let hp = hyperparameters
        let hd = hp.headDimension
        let qDim = hp.headCount * hd, kvDim = hp.kvHeadCount * hd
        for (bias, rows, width) in [(layer.queryBias, q, qDim), (layer.keyBias, k, kvDim), (layer.valueBias, v, kvDim)] {
            guard let bias else { continue }
            bias.withUnsafeBufferPointer { b in
                for t in 0..<count { cgguf_add(rows + t * width, b.baseAddress, Int64(width)) }
            }
        }
        for (norm, rows, heads) in [(layer.queryNorm, q, hp.headCount), (layer.keyNorm, k, hp.kvHeadCount)] {
            guard let norm else { continue }
            normalise(rows, count: count * heads, width: hd, weights: norm)
        }
    }

    /// RoPE on `count` tokens' Q and K at positions first ..< first + count, with the layer's base
    /// and the model's style and scaling, then their keys and values stored as F16 at
    /// `kDestination` / `vDestination` (on the pool for large batches).
    func rotateAndStore(q: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>, v: UnsafePointer<Float>,
                        first: Int, count: Int, layer: LlamaLayer,
                        kDestination: UnsafeMutablePointer<UInt16>, vDestination: UnsafeMutablePointer<UInt16>) {
        let hp = hyperparameters
        let halves: Int32 = hp.traits.ropeRotatesHalves ? 1 : 0
        func apply(_ factors: UnsafePointer<Float>?) {
            cgguf_rope_store_rows(
                pool, q, k, v, Int64(hp.headCount), Int64(hp.kvHeadCount), Int64(hp.headDimension), Int64(hp.ropeDimensionCount),
                Int64(first), Int64(count), layer.ropeFreqBase, hp.ropeFreqScale, factors, halves, kDestination, vDestination)
        }
        if let factors = ropeFrequencyFactors {
            factors.withUnsafeBufferPointer { apply($0.baseAddress) }
        } else {
            apply(nil)
        }
    }

    /// The factor attention multiplies scores by: 1 when the queries were scaled beforehand
    /// (Gemma, Phi-3, in `scaleQueries`), else 1/√(head dimension).
    var attentionScale: Float {
        hyperparameters.traits.scalesQueries ? 1 : 1 / Float(hyperparameters.headDimension).squareRoot()
    }

    func scaleQueries(_ q: UnsafeMutablePointer<Float>, count: Int) {
        let hp = hyperparameters
        guard hp.traits.scalesQueries else { return }
        cgguf_scale(q, Int64(count * hp.headCount * hp.headDimension), hp.queryScale)
    }

    /// RMS-normalises `count` rows of `width` in place (Gemma's post-norms; nil: nothing).
    func normalise(_ rows: UnsafeMutablePointer<Float>, count: Int, width: Int, weights: [Float]?) {
        guard let weights else { return }
        let eps = hyperparameters.rmsEpsilon
        weights.withUnsafeBufferPointer { w in
            for r in 0..<count { cgguf_rms_norm(rows + r * width, w.baseAddress, rows + r * width, Int64(width), eps) }
        }
    }

    /// gate = act(gate) * up for `count` rows: SiLU, or Gemma's GELU.
    func activate(gate: UnsafeMutablePointer<Float>, up: UnsafeMutablePointer<Float>, count: Int) {
        let ff = Int64(hyperparameters.feedForwardLength)
        if hyperparameters.traits.gatedGELU {
            cgguf_geglu_rows(pool, gate, up, gate, ff, Int64(count))
        } else {
            cgguf_swiglu_rows(pool, gate, up, gate, ff, Int64(count))
        }
    }

    /// The output bias and Gemma's final soft-cap on `count` rows of logits.
    func finishLogits(_ logits: UnsafeMutablePointer<Float>, count: Int) {
        let vocabulary = vocabularySize
        if let outputBias {
            outputBias.withUnsafeBufferPointer { b in
                for r in 0..<count { cgguf_add(logits + r * vocabulary, b.baseAddress, Int64(vocabulary)) }
            }
        }
        let cap = hyperparameters.finalLogitCap
        if cap > 0 { cgguf_softcap(logits, Int64(count * vocabulary), cap) }
    }
}
