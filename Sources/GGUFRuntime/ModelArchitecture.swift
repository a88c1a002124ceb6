/// What sets an architecture's forward pass apart from llama's, as llama.cpp builds each graph
/// (src/models/*.cpp there). The tensors an architecture may have beyond llama's (biases, Q/K
/// norms, post-norms, fused projections) are found by name; these are the parts that names do
/// not tell.
public struct ModelArchitecture: Sendable, Equatable {
    public let name: String
    /// NEOX-style RoPE: each head's halves rotated against each other, not neighbouring pairs.
    public let ropeRotatesHalves: Bool
    /// GELU-gated feed-forward network (GeGLU) instead of SiLU-gated (SwiGLU).
    public let gatedGELU: Bool
    /// Token embeddings multiplied by √(embedding length).
    public let scalesEmbeddings: Bool
    /// Queries multiplied by 1/√(head dimension) before attention instead of the scores.
    public let scalesQueries: Bool
    /// Attention logit soft-capping (read from `attn_logit_softcapping`, 50 by default).
    public let capsAttentionLogits: Bool
    /// Final logit soft-capping when the metadata names no cap: Gemma 2's 30; nil: none.
    public let defaultFinalLogitCap: Float?
    /// Sliding-window layers: every `period` layers all but the last are windowed, unless the
    /// metadata says otherwise; nil for architectures llama.cpp runs without windows.
    public let slidingWindowPeriod: Int?
    /// The window when the metadata names none (Gemma 2: 4096); nil: windows only when named.
    public let defaultSlidingWindow: Int?
    /// Q and K normalised per head (`attn_q_norm`, `attn_k_norm`).
    public let normalisesQueryKey: Bool
    /// RMS norms after attention and after the feed-forward network (`post_attention_norm`, `post_ffw_norm`).
    public let hasPostNorms: Bool
    /// One `attn_qkv` projection instead of three; `ffn_up` holds the gate rows, then the up rows.
    public let fusesProjections: Bool

    private init(_ name: String, halves: Bool = true, gelu: Bool = false, scalesEmbeddings: Bool = false,
                 scalesQueries: Bool = false, capsAttention: Bool = false, finalCap: Float? = nil, period: Int? = nil,
                 window: Int? = nil, qkNorm: Bool = false, postNorms: Bool = false, fused: Bool = false) {
        self.name = name
        ropeRotatesHalves = halves
        gatedGELU = gelu
        self.scalesEmbeddings = scalesEmbeddings
        self.scalesQueries = scalesQueries
        capsAttentionLogits = capsAttention
        defaultFinalLogitCap = finalCap
        slidingWindowPeriod = period
        defaultSlidingWindow = window
        normalisesQueryKey = qkNorm
        hasPostNorms = postNorms
        fusesProjections = fused
    }

    public static let llama = ModelArchitecture("llama", halves: false)
    public static let qwen2 = ModelArchitecture("qwen2")
    public static let qwen3 = ModelArchitecture("qwen3", qkNorm: true)
    public static let gemma2 = ModelArchitecture(
        "gemma2", gelu: true, scalesEmbeddings: true, scalesQueries: true, capsAttention: true, finalCap: 30,
        period: 2, window: 4096, postNorms: true)
    public static let gemma3 = ModelArchitecture(
        "gemma3", gelu: true, scalesEmbeddings: true, scalesQueries: true, period: 6, qkNorm: true, postNorms: true)
    public static let phi3 = ModelArchitecture("phi3", scalesQueries: true, fused: true)

    public static let all: [ModelArchitecture] = [.llama, .qwen2, .qwen3, .gemma2, .gemma3, .phi3]

    /// The architecture named `name` in `general.architecture`, or nil.
    public static func named(_ name: String) -> ModelArchitecture? {
        all.first { $0.name == name }
    }

    /// The names of all supported architectures, for error messages.
    public static var supportedNames: String { all.map(\.name).joined(separator: ", ") }
}
