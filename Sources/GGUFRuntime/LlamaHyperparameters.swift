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
    /// How the architecture's forward pass differs from llama's.
    public let traits: ModelArchitecture
    /// Multiplies every RoPE angle: 1/factor for linear scaling (`rope.scaling.factor`), else 1.
    public let ropeFreqScale: Float
    /// The RoPE base of sliding-window layers (Gemma 3's local layers).
    public let ropeFreqBaseSlidingWindow: Float
    /// Tokens a windowed layer's query sees (itself included); 0: no windows.
    public let slidingWindow: Int
    /// Which layers are windowed (all false without windows).
    public let slidingWindowLayers: [Bool]
    /// Attention scores become cap·tanh(score/cap); 0: no cap.
    public let attentionLogitCap: Float
    /// Logits become cap·tanh(logit/cap); 0: no cap.
    public let finalLogitCap: Float
    /// What queries are multiplied by before attention when the architecture scales queries.
    public let queryScale: Float

    /// Architectures the runtime can run.
    public static var supportedArchitectures: Set<String> { Set(ModelArchitecture.all.map(\.name)) }

    public init(metadata: GGUFMetadata, vocabularySize: Int) throws {
        guard let arch = metadata.string("general.architecture") else {
            throw GGUFError.missingMetadata("general.architecture")
        }
        guard let traits = ModelArchitecture.named(arch) else { throw GGUFError.unsupportedArchitecture(arch) }
        self.traits = traits
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

        // RoPE scaling as llama.cpp reads it: linear by default, a factor of 0 meaning none.
        let scaling = metadata.string("\(arch).rope.scaling.type") ?? "linear"
        let factor = metadata.float("\(arch).rope.scaling.factor") ?? metadata.float("\(arch).rope.scale_linear") ?? 0
        switch scaling {
        case "none":
            ropeFreqScale = 1
        case "linear":
            guard factor.isFinite, factor >= 0, factor <= 1024 else {
                throw GGUFError.invalid("rope scaling factor \(factor) is out of range")
            }
            ropeFreqScale = factor == 0 ? 1 : 1 / factor
        default:
            throw GGUFError.unsupportedFeature("RoPE scaling \(scaling) (supported: none, linear, and Llama 3's rope_freqs)")
        }

        // Sliding windows where llama.cpp applies them (Gemma); llama and Phi-3 files that name
        // a window are run without one, as llama.cpp runs them.
        var window = 0
        var windowed = [Bool](repeating: false, count: layerCount)
        if let period = traits.slidingWindowPeriod {
            window = metadata.int("\(arch).attention.sliding_window") ?? traits.defaultSlidingWindow ?? 0
            guard window >= 0, window <= 1 << 24 else { throw GGUFError.invalid("sliding window \(window) is out of range") }
            if window > 0 {
                let patternKey = "\(arch).attention.sliding_window_pattern"
                if let pattern = metadata.array(patternKey) {
                    guard pattern.count == layerCount else {
                        throw GGUFError.invalid("\(patternKey) has \(pattern.count) entries for \(layerCount) layers")
                    }
                    windowed = try pattern.map {
                        guard let flag = $0.boolValue ?? $0.intValue.map({ $0 != 0 }) else {
                            throw GGUFError.invalid("\(patternKey) holds something other than flags")
                        }
                        return flag
                    }
                } else {
                    let n = metadata.int(patternKey) ?? period
                    guard n >= 0, n <= 1 << 24 else { throw GGUFError.invalid("\(patternKey) \(n) is out of range") }
                    windowed = (0..<layerCount).map { n == 0 || $0 % n < n - 1 }
                }
            }
        }
        slidingWindow = window
        slidingWindowLayers = windowed
        // Gemma 2 keeps the global base on its local layers; others default to 10000 as llama.cpp.
        let baseSWA = metadata.float("\(arch).rope.freq_base_swa") ?? (traits == .gemma2 ? ropeFreqBase : 10000)
        guard baseSWA.isFinite, baseSWA > 0 else { throw GGUFError.invalid("rope.freq_base_swa \(baseSWA) is out of range") }
        ropeFreqBaseSlidingWindow = baseSWA

        func cap(_ key: String, default value: Float?) throws -> Float {
            let cap = metadata.float("\(arch).\(key)") ?? value ?? 0
            guard cap.isFinite, cap >= 0 else { throw GGUFError.invalid("\(key) \(cap) is out of range") }
            return cap
        }
        attentionLogitCap = traits.capsAttentionLogits ? try cap("attn_logit_softcapping", default: 50) : 0
        finalLogitCap = traits.name.hasPrefix("gemma") ? try cap("final_logit_softcapping", default: traits.defaultFinalLogitCap) : 0
        // Gemma's 27B models scale by the embedding per head, the others by the head dimension.
        let isGemma27B = (traits == .gemma2 && layerCount == 46) || (traits == .gemma3 && layerCount == 62)
        queryScale = 1 / Float(isGemma27B ? embeddingLength / headCount : headDimension).squareRoot()
    }
}
