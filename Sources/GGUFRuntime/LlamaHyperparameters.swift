/// The shape of a llama-architecture model, read from GGUF metadata
/// (`<arch>.block_count`, `<arch>.embedding_length`, ...).
public struct LlamaHyperparameters: Sendable, Equatable {
    public let architecture: String
    public let layerCount: Int
    public let embeddingLength: Int
    public let feedForwardLength: Int
    public let headCount: Int
    public let kvHeadCount: Int
    public let headDimension: Int
    public let rmsEpsilon: Float
    public let ropeFreqBase: Float
    public let ropeDimensionCount: Int
    /// The context length the model was trained with.
    public let trainedContextLength: Int
    public let vocabularySize: Int

    /// Architectures whose forward pass is the llama one.
    public static let supportedArchitectures: Set<String> = ["llama"]

    public init(metadata: GGUFMetadata, vocabularySize: Int) throws {
        guard let arch = metadata.string("general.architecture") else {
            throw GGUFError.missingMetadata("general.architecture")
        }
        guard Self.supportedArchitectures.contains(arch) else { throw GGUFError.unsupportedArchitecture(arch) }
        func required(_ suffix: String) throws -> Int {
            let key = "\(arch).\(suffix)"
            guard let v = metadata.int(key), v > 0, v <= 1 << 24 else { throw GGUFError.missingMetadata(key) }
            return v
        }
        architecture = arch
        layerCount = try required("block_count")
        embeddingLength = try required("embedding_length")
        feedForwardLength = try required("feed_forward_length")
        headCount = try required("attention.head_count")
        kvHeadCount = metadata.int("\(arch).attention.head_count_kv") ?? headCount
        guard kvHeadCount > 0, headCount % kvHeadCount == 0 else {
            throw GGUFError.invalid("\(headCount) attention heads cannot be grouped over \(kvHeadCount) key/value heads")
        }
        guard embeddingLength % headCount == 0 else {
            throw GGUFError.invalid("embedding length \(embeddingLength) is not a multiple of \(headCount) heads")
        }
        headDimension = metadata.int("\(arch).attention.key_length") ?? embeddingLength / headCount
        guard headDimension > 0, headDimension % 2 == 0, headDimension <= 1024 else {
            throw GGUFError.invalid("head dimension \(headDimension) is not supported")
        }
        rmsEpsilon = metadata.float("\(arch).attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeFreqBase = metadata.float("\(arch).rope.freq_base") ?? 10000
        ropeDimensionCount = metadata.int("\(arch).rope.dimension_count") ?? headDimension
        guard ropeDimensionCount > 0, ropeDimensionCount <= headDimension, ropeDimensionCount % 2 == 0 else {
            throw GGUFError.invalid("rope dimension count \(ropeDimensionCount) does not fit head dimension \(headDimension)")
        }
        trainedContextLength = metadata.int("\(arch).context_length") ?? 2048
        self.vocabularySize = vocabularySize
    }
}
