import CGGUFKernels

/// A GGML tensor type as numbered in GGUF tensor infos. Every known type has a block
/// geometry (so extents can be checked for any file); only some can be computed with.
public struct GGUFTensorType: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    /// Elements per block.
    public let blockSize: Int
    /// Bytes per block.
    public let typeSize: Int
    public let name: String

    private init(_ rawValue: UInt32, _ name: String, _ blockSize: Int, _ typeSize: Int) {
        self.rawValue = rawValue
        self.name = name
        self.blockSize = blockSize
        self.typeSize = typeSize
    }

    public var description: String { name }

    public static let f32 = GGUFTensorType(0, "F32", 1, 4)
    public static let f16 = GGUFTensorType(1, "F16", 1, 2)
    public static let q4_0 = GGUFTensorType(2, "Q4_0", 32, 18)
    public static let q4_1 = GGUFTensorType(3, "Q4_1", 32, 20)
    public static let q5_0 = GGUFTensorType(6, "Q5_0", 32, 22)
    public static let q5_1 = GGUFTensorType(7, "Q5_1", 32, 24)
    public static let q8_0 = GGUFTensorType(8, "Q8_0", 32, 34)
    public static let q4_K = GGUFTensorType(12, "Q4_K", 256, 144)
    public static let q5_K = GGUFTensorType(13, "Q5_K", 256, 176)
    public static let q6_K = GGUFTensorType(14, "Q6_K", 256, 210)
    public static let bf16 = GGUFTensorType(30, "BF16", 1, 2)

    /// All types whose layout is known, computable or not.
    public static let known: [GGUFTensorType] = [
        .f32, .f16, .q4_0, .q4_1,
        .q5_0, .q5_1,
        .q8_0, GGUFTensorType(9, "Q8_1", 32, 36),
        GGUFTensorType(10, "Q2_K", 256, 84), GGUFTensorType(11, "Q3_K", 256, 110),
        .q4_K, .q5_K, .q6_K, GGUFTensorType(15, "Q8_K", 256, 292),
        GGUFTensorType(16, "IQ2_XXS", 256, 66), GGUFTensorType(17, "IQ2_XS", 256, 74),
        GGUFTensorType(18, "IQ3_XXS", 256, 98), GGUFTensorType(19, "IQ1_S", 256, 50),
        GGUFTensorType(20, "IQ4_NL", 32, 18), GGUFTensorType(21, "IQ3_S", 256, 110),
        GGUFTensorType(22, "IQ2_S", 256, 82), GGUFTensorType(23, "IQ4_XS", 256, 136),
        GGUFTensorType(24, "I8", 1, 1), GGUFTensorType(25, "I16", 1, 2),
        GGUFTensorType(26, "I32", 1, 4), GGUFTensorType(27, "I64", 1, 8),
        GGUFTensorType(28, "F64", 1, 8), GGUFTensorType(29, "IQ1_M", 256, 56),
        .bf16, GGUFTensorType(34, "TQ1_0", 256, 54), GGUFTensorType(35, "TQ2_0", 256, 66),
        GGUFTensorType(39, "MXFP4", 32, 17),
    ]

    private static let byRawValue: [UInt32: GGUFTensorType] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.rawValue, $0) })

    /// The type numbered `rawValue`, or nil when unknown.
    public init?(rawValue: UInt32) {
        guard let type = Self.byRawValue[rawValue] else { return nil }
        self = type
    }

    /// The types the runtime can dequantise and multiply with.
    public static let computable: [GGUFTensorType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// The computable types' names, for error messages.
    public static var computableNames: String { computable.map(\.name).joined(separator: ", ") }

    /// Whether the runtime can dequantise and multiply with this type.
    public var isComputable: Bool { Self.computable.contains(self) }

    /// Bytes taken by a row of `count` elements, or nil when `count` is not a whole
    /// number of blocks or the size overflows.
    public func rowSize(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (size, overflow) = (count / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : size
    }
}
