import CGGUFKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies of a model's weight matrices in the layouts the kernels read fastest (`cgguf_pack`:
/// Q4_1 rows interleaved in groups of eight), owned for the model's lifetime. A packed product
/// gives the same bits as the file's rows, so nothing downstream (fixtures, saved states) can
/// tell. The copy takes the place of the file's pages rather than adding to them: once a matrix
/// is packed, its pages of the memory map are given back (they come back from the file if
/// anything reads them again, as a tied embedding's lookups do).
final class PackedWeights: @unchecked Sendable {
    /// Rows per packed group: a packed matrix's row ranges start and end on multiples of it.
    static let groupRows = Int32(CGGUF_PACK_GROUP_ROWS)

    private let file: GGUFFile
    private var buffers: [UnsafeMutableRawPointer] = []

    init(file: GGUFFile) {
        self.file = file
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Bytes held in packed copies.
    private(set) var byteCount = 0

    /// `matrix` with a packed copy when the kernels have a layout for it, else `matrix` itself.
    func packed(_ matrix: WeightMatrix) -> WeightMatrix {
        let type = Int32(matrix.type.rawValue)
        let packedType = cgguf_packed_type(type, Int64(matrix.rows), Int64(matrix.columns))
        guard packedType >= 0, matrix.packed == nil else { return matrix }
        let bytes = matrix.rows * matrix.rowBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        guard cgguf_pack(type, matrix.data, matrix.rowBytes, Int64(matrix.rows), Int64(matrix.columns), buffer) == 0 else {
            buffer.deallocate()
            return matrix
        }
        buffers.append(buffer)
        byteCount += bytes
        file.storage.releasePages(from: matrix.data, count: bytes)
        var result = matrix
        result.packed = (packedType, UnsafeRawPointer(buffer))
        return result
    }
}
