import CGGUFKernels

/// Which implementation of the hot kernels runs: the portable scalar one or the
/// AVX2/FMA/F16C one, chosen at run time from the CPU (or GGUF_KERNELS=scalar).
/// Both give identical results; switching exists so tests can prove that. Within the
/// AVX2 level, the tiles of prompt processing and the packed weights' kernels use
/// AVX-512 VNNI where the CPU has it (GGUF_KERNELS=avx2 turns that off), again with
/// identical results.
public enum GGUFKernels {
    public enum Level: Int, Sendable {
        case scalar = 0
        case avx2 = 1
    }

    public static var level: Level { Level(rawValue: Int(cgguf_kernel_level())) ?? .scalar }
    public static var best: Level { Level(rawValue: Int(cgguf_best_kernel_level())) ?? .scalar }
    public static var levelName: String { level == .avx2 ? "avx2" : "scalar" }

    /// Selects a level (clamped to what the CPU supports); returns the level in use.
    @discardableResult
    public static func select(_ level: Level) -> Level {
        Level(rawValue: Int(cgguf_set_kernel_level(Int32(level.rawValue)))) ?? .scalar
    }
}
