import CGGUFKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies of a model's weight matrices in the layouts the kernels read fastest (`cgguf_pack`:
/// Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 rows interleaved in groups of eight), owned for the model's
/// lifetime. A packed product gives the same bits as the file's rows, so nothing downstream
/// (fixtures, saved states) can tell. The copy takes the place of the file's pages rather than
/// adding to them: once a matrix is packed, its pages of the memory map are given back (they come
/// back from the file if anything reads them again; a tied embedding reads the packed copy).
final class PackedWeights: @unchecked Sendable {
    /// Rows per packed group: a packed matrix's row ranges start and end on multiples of it.
    static let groupRows = Int32(CGGUF_PACK_GROUP_ROWS)

    private let file: GGUFFile
    private let pool: OpaquePointer
    private var buffers: [UnsafeMutableRawPointer] = []

    /// Packs matrices of `file` on the threads of `pool`.
    init(file: GGUFFile, pool: OpaquePointer) {
        self.file = file
        self.pool = pool
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
        guard cgguf_pack_on(pool, type, matrix.data, matrix.rowBytes, Int64(matrix.rows), Int64(matrix.columns), buffer) == 0 else {
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

extension LlamaLayer {
    /// This layer with its products' matrices packed.
    func packed(by packer: PackedWeights) -> LlamaLayer {
        var layer = self
        layer.query = packer.packed(query)
        layer.key = packer.packed(key)
        layer.value = packer.packed(value)
        layer.attentionOutput = packer.packed(attentionOutput)
        layer.gate = packer.packed(gate)
        layer.up = packer.packed(up)
        layer.down = packer.packed(down)
        return layer
    }
}
