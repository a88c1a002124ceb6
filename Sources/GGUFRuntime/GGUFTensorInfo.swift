/// Where one tensor lives in a GGUF file. `dimensions[0]` is the innermost
/// (contiguous) dimension, as in GGML.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let dimensions: [Int]
    public let type: GGUFTensorType
    /// Offset from the start of the data section.
    public let offset: Int
    /// Bytes the tensor occupies.
    public let byteCount: Int

    public var elementCount: Int { dimensions.reduce(1, *) }
    /// Number of rows: the product of all dimensions but the first.
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
    public var rowByteCount: Int { type.rowSize(elements: dimensions.first ?? 1) ?? 0 }
}
