import CGGUFKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A weight matrix read in place from the memory-mapped file: `rows` rows of
/// `columns` elements, `rowBytes` apart.
struct WeightMatrix: @unchecked Sendable {
    let name: String
    let type: GGUFTensorType
    let data: UnsafeRawPointer
    let rowBytes: Int
    let rows: Int
    let columns: Int
    /// Where these rows start in the tensor `name` (a fused projection's part; else 0).
    var firstRow = 0
    /// The same rows copied into a layout of the kernels' own (see `PackedWeights`), if any.
    var packed: (type: Int32, data: UnsafeRawPointer)? = nil

    /// The type and bytes products read.
    var kernelType: Int32 { packed?.type ?? Int32(type.rawValue) }
    var kernelData: UnsafeRawPointer { packed?.data ?? data }
}

/// The weights of one transformer block. Fused projections (Phi-3's `attn_qkv`, its gate and
/// up rows in one `ffn_up`) are read as views of their rows; what an architecture lacks is nil.
struct LlamaLayer: Sendable {
    let attentionNorm: [Float]
    // The products' matrices are `var` for `packed(by:)`, which swaps in their packed copies.
    var query: WeightMatrix
    var key: WeightMatrix
    var value: WeightMatrix
    /// Qwen 2's projection biases.
    let queryBias: [Float]?
    let keyBias: [Float]?
    let valueBias: [Float]?
    /// Per-head RMS norm weights of Q and K (Qwen 3, Gemma 3).
    let queryNorm: [Float]?
    let keyNorm: [Float]?
    var attentionOutput: WeightMatrix
    /// Gemma's norms of the attention and feed-forward outputs.
    let postAttentionNorm: [Float]?
    let feedForwardNorm: [Float]
    var gate: WeightMatrix
    var up: WeightMatrix
    var down: WeightMatrix
    let postFeedForwardNorm: [Float]?
    /// Tokens this layer's queries see (0: all) and its RoPE base.
    let slidingWindow: Int
    let ropeFreqBase: Float
}

/// A llama-architecture model loaded from a GGUF file. The quantised weights stay in the file's
/// memory map, except those the kernels read faster in a layout of their own (`PackedWeights`,
/// which then gives the map's pages back); the small norm vectors are copied. One persistent
/// worker pool serves all sessions of the model (their calls are serialised).
public final class LlamaModel: @unchecked Sendable {
    public let file: GGUFFile
    public let hyperparameters: LlamaHyperparameters
    /// The context length sessions are sized for.
    public let contextLength: Int
    public let threads: Int
    /// The llama.cpp build whose float order every kernel of this model follows.
    public let numerics: NumericsOrder
    let embedding: WeightMatrix
    let output: WeightMatrix
    let outputNorm: [Float]
    /// Added to the logits (`output.bias`, Qwen 2 and Phi-3 files may have one).
    let outputBias: [Float]?
    /// Per-frequency divisors of the rotary angles (`rope_freqs.weight`, Llama 3), if any.
    let ropeFrequencyFactors: [Float]?
    let layers: [LlamaLayer]
    let pool: OpaquePointer
    /// LoRA adapters in use (kept mapped), as asked for in `loras`, and their pairs by the weight
    /// they adapt.
    public let adapters: [LoRAAdapter]
    public let loras: [LoRASpec]
    let loraLinks: [String: [LoRALink]]
    /// The packed copies the products read (see `PackedWeights`).
    let packedWeights: PackedWeights

    /// The default context: the model's own, capped at 4096.
    public static let defaultContextCap = 4096
    /// The longest context a session can be made with.
    public static let maximumContextLength = 1 << 20

    /// Logical CPUs online; the default thread count.
    public static var availableProcessors: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// - Parameters:
    ///   - contextLength: tokens the KV cache of each session holds; nil means
    ///     min(the model's trained context, 4096).
    ///   - threads: worker threads including the caller; nil means all processors.
    ///   - loras: LoRA adapters applied at run time, in order; one that does not fit throws.
    ///   - numerics: the llama.cpp build whose float order to follow.
    public init(file: GGUFFile, contextLength: Int? = nil, threads: Int? = nil, loras: [LoRASpec] = [],
                numerics: NumericsOrder = .default) throws {
        self.file = file
        self.numerics = numerics
        guard let embd = file.tensor(named: "token_embd.weight") else { throw GGUFError.missingTensor("token_embd.weight") }
        guard embd.dimensions.count == 2 else {
            throw GGUFError.tensorShape(tensor: embd.name, expected: [0, 0], actual: embd.dimensions)
        }
        let hp = try LlamaHyperparameters(metadata: file.metadata, vocabularySize: embd.dimensions[1])
        hyperparameters = hp
        let n = hp.embeddingLength
        let qDim = hp.headCount * hp.headDimension
        let kvDim = hp.kvHeadCount * hp.headDimension

        var used: Set<String> = []
        var adaptable: [String: (columns: Int, rows: Int)] = [:]
        func has(_ name: String) -> Bool { file.tensor(named: name) != nil }
        func matrix(_ name: String, columns: Int, rows: Int) throws -> WeightMatrix {
            used.insert(name)
            if name.hasPrefix("blk.") { adaptable[name] = (columns, rows) }
            guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
            guard info.dimensions == [columns, rows] else {
                throw GGUFError.tensorShape(tensor: name, expected: [columns, rows], actual: info.dimensions)
            }
            guard info.type.isComputable else { throw GGUFError.unsupportedTensorType(info.type.name, tensor: name) }
            guard let base = file.data(of: info).baseAddress else { throw GGUFError.invalid("tensor \(name) is empty") }
            return WeightMatrix(name: name, type: info.type, data: base, rowBytes: info.rowByteCount, rows: rows, columns: columns)
        }
        func vector(_ name: String, count: Int) throws -> [Float] {
            used.insert(name)
            guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
            guard info.dimensions.first == count, info.elementCount == count else {
                throw GGUFError.tensorShape(tensor: name, expected: [count], actual: info.dimensions)
            }
            guard info.type.isComputable, let base = file.data(of: info).baseAddress else {
                throw GGUFError.unsupportedTensorType(info.type.name, tensor: name)
            }
            let row = WeightMatrix(name: name, type: info.type, data: base, rowBytes: info.rowByteCount, rows: 1, columns: count)
            return try row.asVector(name, count: count, file: file)
        }
        func optionalVector(_ name: String, count: Int) throws -> [Float]? {
            has(name) ? try vector(name, count: count) : nil
        }

        let traits = hp.traits
        let ff = hp.feedForwardLength
        if let length = file.metadata.int("\(hp.architecture).attention.value_length"), length != hp.headDimension {
            throw GGUFError.unsupportedFeature("value heads of \(length) with key heads of \(hp.headDimension)")
        }
        let embedding = try matrix("token_embd.weight", columns: n, rows: hp.vocabularySize)
        // Gemma 2 always ties the output to the embedding, as llama.cpp loads it.
        let output = has("output.weight") && traits != .gemma2
            ? try matrix("output.weight", columns: n, rows: hp.vocabularySize) : embedding
        outputNorm = try vector("output_norm.weight", count: n)
        outputBias = try optionalVector("output.bias", count: hp.vocabularySize)
        ropeFrequencyFactors = has("rope_freqs.weight")
            ? try vector("rope_freqs.weight", count: hp.ropeDimensionCount / 2) : nil
        if has("rope_factors_long.weight") || has("rope_factors_short.weight") {
            throw GGUFError.unsupportedFeature("LongRoPE (rope_factors_long/short; supported: none, linear, and Llama 3's rope_freqs)")
        }
        var layers: [LlamaLayer] = []
        for i in 0..<hp.layerCount {
            let p = "blk.\(i)."
            let (query, key, value): (WeightMatrix, WeightMatrix, WeightMatrix)
            if traits.fusesProjections {
                let qkv = try matrix(p + "attn_qkv.weight", columns: n, rows: qDim + 2 * kvDim)
                (query, key, value) = (qkv.rows(0..<qDim), qkv.rows(qDim..<(qDim + kvDim)), qkv.rows((qDim + kvDim)..<(qDim + 2 * kvDim)))
            } else {
                query = try matrix(p + "attn_q.weight", columns: n, rows: qDim)
                key = try matrix(p + "attn_k.weight", columns: n, rows: kvDim)
                value = try matrix(p + "attn_v.weight", columns: n, rows: kvDim)
            }
            let (gate, up): (WeightMatrix, WeightMatrix)
            if traits.fusesProjections {
                let gateUp = try matrix(p + "ffn_up.weight", columns: n, rows: 2 * ff)
                (gate, up) = (gateUp.rows(0..<ff), gateUp.rows(ff..<(2 * ff)))
            } else {
                gate = try matrix(p + "ffn_gate.weight", columns: n, rows: ff)
                up = try matrix(p + "ffn_up.weight", columns: n, rows: ff)
            }
            func required(_ name: String, _ count: Int, when needed: Bool) throws -> [Float]? {
                needed ? try vector(p + name, count: count) : try optionalVector(p + name, count: count)
            }
            let windowed = hp.slidingWindowLayers[i] && hp.slidingWindow > 0
            layers.append(LlamaLayer(
                attentionNorm: try vector(p + "attn_norm.weight", count: n),
                query: query, key: key, value: value,
                queryBias: try optionalVector(p + "attn_q.bias", count: qDim),
                keyBias: try optionalVector(p + "attn_k.bias", count: kvDim),
                valueBias: try optionalVector(p + "attn_v.bias", count: kvDim),
                queryNorm: try required("attn_q_norm.weight", hp.headDimension, when: traits.normalisesQueryKey),
                keyNorm: try required("attn_k_norm.weight", hp.headDimension, when: traits.normalisesQueryKey),
                attentionOutput: try matrix(p + "attn_output.weight", columns: qDim, rows: n),
                postAttentionNorm: try required("post_attention_norm.weight", n, when: traits.hasPostNorms),
                feedForwardNorm: try vector(p + "ffn_norm.weight", count: n),
                gate: gate, up: up,
                down: try matrix(p + "ffn_down.weight", columns: ff, rows: n),
                postFeedForwardNorm: try required("post_ffw_norm.weight", n, when: traits.hasPostNorms),
                slidingWindow: windowed ? hp.slidingWindow : 0,
                ropeFreqBase: windowed ? hp.ropeFreqBaseSlidingWindow : hp.ropeFreqBase))
        }
        // A block tensor nothing here reads would be computed without: refuse rather than run wrong.
        if let unread = file.tensors.first(where: { $0.name.hasPrefix("blk.") && !used.contains($0.name) }) {
            let block = unread.name.split(separator: ".").prefix(2).joined(separator: ".") + "."
            let read = used.filter { $0.hasPrefix(block) }.map { $0.dropFirst(block.count) }.sorted().joined(separator: ", ")
            throw GGUFError.unsupportedFeature(
                "tensor \(unread.name) (not part of the \(hp.architecture) layers this runtime computes; a block of this file is read as \(read))")
        }
        (adapters, loraLinks) = try Self.links(for: loras, architecture: hp.architecture, weights: adaptable)
        self.loras = loras

        let requested = contextLength ?? min(hp.trainedContextLength, Self.defaultContextCap)
        // A context the user asked for is the user's to change: never "the file is corrupt".
        guard requested > 0, requested <= Self.maximumContextLength else {
            throw GGUFError.contextLengthOutOfRange(requested: requested, maximum: Self.maximumContextLength)
        }
        // The F16 KV cache (keys and values, every layer) is allocated lazily; one that could never
        // be resident would end in the kernel killing the process mid-reply.
        let cacheBytes = requested * hp.layerCount * kvDim * 2 * 2
        let memoryBytes = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        if memoryBytes > 0 && cacheBytes > memoryBytes {
            throw GGUFError.contextTooLargeForMemory(requested: requested, cacheBytes: cacheBytes, memoryBytes: memoryBytes)
        }
        self.contextLength = requested
        let threadCount = max(1, min(threads ?? Self.availableProcessors, 256))
        guard let pool = cgguf_pool_create(Int32(threadCount)) else {
            throw GGUFError.invalid("cannot start \(threadCount) worker threads")
        }
        self.pool = pool
        // The products' matrices in the kernels' layouts, packed on the pool. An embedding of its own
        // is read a row at a time from the file.
        let packer = PackedWeights(file: file, pool: pool)
        packedWeights = packer
        self.output = packer.packed(output)
        // A tied embedding reads its rows from the output's packed copy: each lookup of the file's
        // pages would map 64 KiB around it and, over a long chat, hold the whole tensor twice.
        self.embedding = output.data == embedding.data ? self.output : embedding
        self.layers = layers.map { $0.packed(by: packer) }
        cgguf_pool_set_order(pool, numerics.lanes)
        self.threads = Int(cgguf_pool_threads(pool))
    }

    /// Opens and loads the GGUF file at `path`.
    public convenience init(path: String, contextLength: Int? = nil, threads: Int? = nil, loras: [LoRASpec] = [],
                            numerics: NumericsOrder = .default) throws {
        try self.init(file: GGUFFile(path: path), contextLength: contextLength, threads: threads, loras: loras,
                      numerics: numerics)
    }

    deinit {
        cgguf_pool_destroy(pool)
    }

    public var vocabularySize: Int { hyperparameters.vocabularySize }

    /// A new conversation state with its own KV cache.
    public func makeSession() -> LlamaSession {
        LlamaSession(model: self)
    }

    /// Dequantises row `token` of the embedding matrix into `destination`.
    func embed(_ token: Int32, into destination: UnsafeMutablePointer<Float>) throws {
        guard token >= 0, Int(token) < embedding.rows else {
            throw GGUFError.tokenOutOfRange(token, vocabularySize: embedding.rows)
        }
        if let packed = embedding.packed {
            _ = cgguf_dequantize_packed_row(packed.type, packed.data, embedding.rowBytes, Int64(token), Int64(embedding.columns),
                                            destination)
            return
        }
        let row = embedding.data + Int(token) * embedding.rowBytes
        _ = cgguf_dequantize_row(Int32(embedding.type.rawValue), row, destination, Int64(embedding.columns))
    }

    /// out[t * outStride + r] = W[r] . x[t] over the worker pool.
    func multiply(_ w: WeightMatrix, _ x: UnsafePointer<Float>, tokens: Int,
                  into out: UnsafeMutablePointer<Float>, outStride: Int, scratch: UnsafeMutableRawPointer) {
        _ = cgguf_matmul(pool, w.kernelType, w.kernelData, w.rowBytes, Int64(w.rows), Int64(w.columns),
                         x, Int64(tokens), out, Int64(outStride), scratch)
        applyLoRA(w, x, tokens: tokens, into: out, outStride: outStride)
    }

    /// Several products of the same activations `x` (a layer's Q, K and V; its gate and up) in
    /// one pass of the pool, each result the bits `multiply` gives it.
    func multiply(_ parts: [(weights: WeightMatrix, out: UnsafeMutablePointer<Float>, outStride: Int)],
                  _ x: UnsafePointer<Float>, tokens: Int, scratch: UnsafeMutableRawPointer) {
        let products = parts.map { part in
            cgguf_matmul_part(wtype: part.weights.kernelType, w: part.weights.kernelData, row_bytes: part.weights.rowBytes,
                              rows: Int64(part.weights.rows), out: part.out, out_stride: Int64(part.outStride))
        }
        _ = cgguf_matmul_parts(pool, products, Int32(products.count), Int64(parts[0].weights.columns), x, Int64(tokens), scratch)
        for part in parts { applyLoRA(part.weights, x, tokens: tokens, into: part.out, outStride: part.outStride) }
    }
}

extension WeightMatrix {
    /// The matrix of rows `range` of this one (a fused projection's part). A packed copy's groups
    /// of rows are whole groups of the part only when the range starts and ends on them.
    func rows(_ range: Range<Int>) -> WeightMatrix {
        let offset = range.lowerBound * rowBytes
        let group = Int(PackedWeights.groupRows)
        let packedPart = packed.flatMap { range.lowerBound % group == 0 && range.count % group == 0 ? ($0.type, $0.data + offset) : nil }
        return WeightMatrix(name: name, type: type, data: data + offset, rowBytes: rowBytes, rows: range.count,
                            columns: columns, firstRow: firstRow + range.lowerBound, packed: packedPart)
    }

    /// A one-row tensor (a norm weight) as floats of its own.
    func asVector(_ name: String, count: Int, file: GGUFFile) throws -> [Float] {
        var result = [Float](repeating: 0, count: count)
        let status = result.withUnsafeMutableBufferPointer { buffer in
            cgguf_dequantize_row(Int32(type.rawValue), data, buffer.baseAddress, Int64(count))
        }
        guard status == 0 else { throw GGUFError.unsupportedTensorType(type.name, tensor: name) }
        return result
    }
}
