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
}

/// The weights of one transformer block.
struct LlamaLayer: Sendable {
    let attentionNorm: [Float]
    let query: WeightMatrix
    let key: WeightMatrix
    let value: WeightMatrix
    let attentionOutput: WeightMatrix
    let feedForwardNorm: [Float]
    let gate: WeightMatrix
    let up: WeightMatrix
    let down: WeightMatrix
}

/// A llama-architecture model loaded from a GGUF file. The quantised weights stay in
/// the file's memory map; only the small norm vectors are copied. One persistent
/// worker pool serves all sessions of the model (their calls are serialised).
public final class LlamaModel: @unchecked Sendable {
    public let file: GGUFFile
    public let hyperparameters: LlamaHyperparameters
    /// The context length sessions are sized for.
    public let contextLength: Int
    public let threads: Int
    let embedding: WeightMatrix
    let output: WeightMatrix
    let outputNorm: [Float]
    /// Per-frequency divisors of the rotary angles (`rope_freqs.weight`, Llama 3), if any.
    let ropeFrequencyFactors: [Float]?
    let layers: [LlamaLayer]
    let pool: OpaquePointer

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
    public init(file: GGUFFile, contextLength: Int? = nil, threads: Int? = nil) throws {
        self.file = file
        guard let embd = file.tensor(named: "token_embd.weight") else { throw GGUFError.missingTensor("token_embd.weight") }
        guard embd.dimensions.count == 2 else {
            throw GGUFError.tensorShape(tensor: embd.name, expected: [0, 0], actual: embd.dimensions)
        }
        let hp = try LlamaHyperparameters(metadata: file.metadata, vocabularySize: embd.dimensions[1])
        hyperparameters = hp
        let n = hp.embeddingLength
        let qDim = hp.headCount * hp.headDimension
        let kvDim = hp.kvHeadCount * hp.headDimension

        func matrix(_ name: String, columns: Int, rows: Int) throws -> WeightMatrix {
            guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
            guard info.dimensions == [columns, rows] else {
                throw GGUFError.tensorShape(tensor: name, expected: [columns, rows], actual: info.dimensions)
            }
            guard info.type.isComputable else { throw GGUFError.unsupportedTensorType(info.type.name, tensor: name) }
            guard let base = file.data(of: info).baseAddress else { throw GGUFError.invalid("tensor \(name) is empty") }
            return WeightMatrix(name: name, type: info.type, data: base, rowBytes: info.rowByteCount, rows: rows, columns: columns)
        }
        func vector(_ name: String, count: Int) throws -> [Float] {
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

        embedding = try matrix("token_embd.weight", columns: n, rows: hp.vocabularySize)
        output = file.tensor(named: "output.weight") != nil
            ? try matrix("output.weight", columns: n, rows: hp.vocabularySize) : embedding
        outputNorm = try vector("output_norm.weight", count: n)
        ropeFrequencyFactors = file.tensor(named: "rope_freqs.weight") != nil
            ? try vector("rope_freqs.weight", count: hp.ropeDimensionCount / 2) : nil
        var layers: [LlamaLayer] = []
        for i in 0..<hp.layerCount {
            let p = "blk.\(i)."
            layers.append(LlamaLayer(
                attentionNorm: try vector(p + "attn_norm.weight", count: n),
                query: try matrix(p + "attn_q.weight", columns: n, rows: qDim),
                key: try matrix(p + "attn_k.weight", columns: n, rows: kvDim),
                value: try matrix(p + "attn_v.weight", columns: n, rows: kvDim),
                attentionOutput: try matrix(p + "attn_output.weight", columns: qDim, rows: n),
                feedForwardNorm: try vector(p + "ffn_norm.weight", count: n),
                gate: try matrix(p + "ffn_gate.weight", columns: n, rows: hp.feedForwardLength),
                up: try matrix(p + "ffn_up.weight", columns: n, rows: hp.feedForwardLength),
                down: try matrix(p + "ffn_down.weight", columns: hp.feedForwardLength, rows: n)))
        }
        self.layers = layers

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
        self.threads = Int(cgguf_pool_threads(pool))
    }

    /// Opens and loads the GGUF file at `path`.
    public convenience init(path: String, contextLength: Int? = nil, threads: Int? = nil) throws {
        try self.init(file: GGUFFile(path: path), contextLength: contextLength, threads: threads)
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
        let row = embedding.data + Int(token) * embedding.rowBytes
        _ = cgguf_dequantize_row(Int32(embedding.type.rawValue), row, destination, Int64(embedding.columns))
    }

    /// out[t * outStride + r] = W[r] . x[t] over the worker pool.
    func multiply(_ w: WeightMatrix, _ x: UnsafePointer<Float>, tokens: Int,
                  into out: UnsafeMutablePointer<Float>, outStride: Int, scratch: UnsafeMutableRawPointer) {
        _ = cgguf_matmul(pool, Int32(w.type.rawValue), w.data, w.rowBytes, Int64(w.rows), Int64(w.columns),
                         x, Int64(tokens), out, Int64(outStride), scratch)
    }
}

extension WeightMatrix {
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
