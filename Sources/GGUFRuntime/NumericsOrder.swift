import CGGUFKernels

/// Which llama.cpp build's floating-point order the runtime follows.
///
/// llama.cpp's x86 kernels sum softmax weights, F16/F32 dot products and tinyBLAS rows in
/// 16-lane vectors, with one form of its exp approximation, where it is built for AVX-512, and
/// in 8-lane vectors, with another exp form, where it is built for AVX2 only. The two builds
/// disagree in the last bits, and rounding activations to 8 bits turns that into visibly
/// different logits (mean KL divergence about 3e-3 on the default model). Parley computes
/// either order on any x86 CPU, so "the same as llama.cpp" means choosing the build.
public enum NumericsOrder: String, Sendable, CaseIterable {
    /// llama.cpp built for AVX-512. The default: the same bits on every machine.
    case avx512
    /// llama.cpp built for AVX2 without AVX-512.
    case avx2

    /// The order llama.cpp built natively for this CPU follows.
    public static var host: NumericsOrder { cgguf_host_order() == CGGUF_ORDER_AVX2 ? .avx2 : .avx512 }

    /// What a model follows unless told otherwise: the same bits on every machine, which saved
    /// states and the recorded fixtures rely on.
    public static let `default` = NumericsOrder.avx512

    /// "avx512", "avx2" or "host" (this CPU's); nil for anything else.
    public init?(argument: String) {
        if argument == "host" {
            self = Self.host
        } else if let order = NumericsOrder(rawValue: argument) {
            self = order
        } else {
            return nil
        }
    }

    /// The vector width in floats, as the kernels take it (CGGUF_ORDER_*).
    var lanes: Int32 { self == .avx512 ? Int32(CGGUF_ORDER_AVX512) : Int32(CGGUF_ORDER_AVX2) }
}
