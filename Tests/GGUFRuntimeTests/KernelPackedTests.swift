import CGGUFKernels
import Foundation
import Testing
@testable import GGUFRuntime

/// Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 rows packed in groups of eight (cgguf_pack, CGGUF_TYPE_*_X8) multiply to the bits of the rows as the file has them, on both kernel levels, any thread count
/// and any number of tokens, alone or as parts; what cannot be packed is refused. Part of the
/// serialised kernel suite.
extension KernelTests {
    static let q4_1 = Int32(GGUFTensorType.q4_1.rawValue)
    static let packedQ4_1 = Int32(CGGUF_TYPE_Q4_1_X8)

    /// `weights` (rows of `columns` of `type`) in its packed layout.
    static func pack(_ weights: [UInt8], _ type: GGUFTensorType = .q4_1, rows: Int, columns: Int) throws -> [UInt8] {
        var packed = [UInt8](repeating: 0, count: weights.count)
        let rowBytes = try #require(type.rowSize(elements: columns))
        let status = weights.withUnsafeBytes { w in
            packed.withUnsafeMutableBytes {
                cgguf_pack(Int32(type.rawValue), w.baseAddress, rowBytes, Int64(rows), Int64(columns), $0.baseAddress)
            }
        }
        #expect(status == 0)
        return packed
    }

    /// cgguf_matmul of a matrix of `wtype` (a GGUF type or a packed one; rows of `rowType`'s size) on a
    /// pool of `threads`.
    static func matmul(wtype: Int32, rowType: GGUFTensorType = .q4_1, _ weights: [UInt8], rows: Int, columns: Int,
                       x: [Float], tokens: Int, threads: Int32) -> (status: Int32, out: [Float]) {
        let pool = cgguf_pool_create(threads)
        defer { cgguf_pool_destroy(pool) }
        var out = [Float](repeating: .nan, count: rows * tokens)
        let scratch = UnsafeMutableRawPointer.allocate(
            byteCount: cgguf_matmul_scratch_size(wtype, Int64(columns), Int64(tokens)), alignment: 64)
        defer { scratch.deallocate() }
        let status = weights.withUnsafeBytes { w in
            out.withUnsafeMutableBufferPointer { o in
                cgguf_matmul(pool, wtype, w.baseAddress, rowType.rowSize(elements: columns) ?? 0, Int64(rows), Int64(columns),
                             x, Int64(tokens), o.baseAddress, Int64(rows), scratch)
            }
        }
        return (status, out)
    }

    static let packedTypes: [GGUFTensorType: Int32] = [
        .q4_0: Int32(CGGUF_TYPE_Q4_0_X8), .q4_1: Int32(CGGUF_TYPE_Q4_1_X8), .q5_0: Int32(CGGUF_TYPE_Q5_0_X8), .q5_1: Int32(CGGUF_TYPE_Q5_1_X8),
        .q8_0: Int32(CGGUF_TYPE_Q8_0_X8),
    ]

    @Test(arguments: [GGUFTensorType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0], [(16, 512), (40, 96), (64, 1536)])
    func packedRowsGiveTheBitsOfTheFilesRows(_ type: GGUFTensorType, _ shape: (rows: Int, columns: Int)) throws {
        let (rows, columns) = shape
        var rng = TestRandom(seed: UInt64(rows * 7 + columns + Int(type.rawValue)))
        var weights = Self.randomRows(type, columns: columns, rows: rows, rng: &rng)
        if type == .q8_0 {
            // The extreme code of each sign in every row (|-128| takes the unsigned side of the product).
            for r in 0..<rows {
                weights[r * type.rowSize(elements: columns)! + 2] = 0x80
                weights[r * type.rowSize(elements: columns)! + 3] = 0x7F
            }
        }
        let packed = try Self.pack(weights, type, rows: rows, columns: columns)
        // Packing on a pool writes the same bytes, however the groups are shared out.
        for threads: Int32 in [2, 3] {
            let pool = cgguf_pool_create(threads)
            defer { cgguf_pool_destroy(pool) }
            var pooled = [UInt8](repeating: 0, count: weights.count)
            let status = weights.withUnsafeBytes { w in
                pooled.withUnsafeMutableBytes {
                    cgguf_pack_on(pool, Int32(type.rawValue), w.baseAddress, type.rowSize(elements: columns)!, Int64(rows),
                                  Int64(columns), $0.baseAddress)
                }
            }
            #expect(status == 0 && pooled == packed, "\(threads) threads")
        }
        let packedType = cgguf_packed_type(Int32(type.rawValue), Int64(rows), Int64(columns))
        #expect(packedType == Self.packedTypes[type])
        #expect(packed != weights)
        // Every row reads back as the file's row dequantises.
        let rowBytes = try #require(type.rowSize(elements: columns))
        for r in 0..<rows {
            var plain = [Float](repeating: 0, count: columns), unpacked = [Float](repeating: .nan, count: columns)
            weights.withUnsafeBytes { _ = cgguf_dequantize_row(Int32(type.rawValue), $0.baseAddress! + r * rowBytes, &plain, Int64(columns)) }
            let status = packed.withUnsafeBytes {
                cgguf_dequantize_packed_row(packedType, $0.baseAddress, rowBytes, Int64(r), Int64(columns), &unpacked)
            }
            #expect(status == 0 && unpacked.map(\.bitPattern) == plain.map(\.bitPattern), "row \(r)")
        }
        #expect(cgguf_dequantize_packed_row(Int32(type.rawValue), packed, rowBytes, 0, Int64(columns), nil) == -1)
        let best = GGUFKernels.best
        defer {
            GGUFKernels.select(best)
            cgguf_set_vnni(1)
        }
        // The rows as the file has them, on the scalar level; the packed rows on every level: scalar,
        // AVX2 without VNNI and with it (the last two the same where the CPU has no VNNI).
        let levels: [(level: GGUFKernels.Level, vnni: Int32)] = [(.scalar, 0), (best, 0), (best, 1)]
        for tokens in [1, 3, 4, 9] {
            let x = (0..<(columns * tokens)).map { _ in rng.float(in: -2...2) }
            GGUFKernels.select(.scalar)
            let plain = Self.matmul(wtype: Int32(type.rawValue), rowType: type, weights, rows: rows, columns: columns, x: x,
                                    tokens: tokens, threads: 1)
            #expect(plain.out.allSatisfy { $0.isFinite })
            for (level, vnni) in levels {
                GGUFKernels.select(level)
                let usesVNNI = cgguf_set_vnni(vnni)
                for threads: Int32 in [1, 2, 3] {
                    let result = Self.matmul(wtype: packedType, rowType: type, packed, rows: rows, columns: columns, x: x,
                                             tokens: tokens, threads: threads)
                    #expect(result.status == 0)
                    #expect(result.out.map(\.bitPattern) == plain.out.map(\.bitPattern),
                            "\(level), VNNI \(usesVNNI), \(tokens) tokens, \(threads) threads")
                }
            }
        }
    }

    @Test func packingRefusesWhatItCannotPack() throws {
        for (type, packed) in Self.packedTypes {
            #expect(cgguf_packed_type(Int32(type.rawValue), 16, 64) == packed, "\(type)")
            #expect(cgguf_packed_type(packed, 16, 64) == -1) // already packed
        }
        for type in [GGUFTensorType.q4_K, .q5_K, .q6_K, .f16, .f32, .bf16] {
            #expect(cgguf_packed_type(Int32(type.rawValue), 16, 256) == -1, "\(type)")
        }
        #expect(cgguf_packed_type(Self.q4_1, 12, 64) == -1) // not whole groups of eight rows
        #expect(cgguf_packed_type(Self.q4_1, 0, 64) == -1)
        #expect(cgguf_packed_type(Self.q4_1, 16, 48) == -1) // not whole blocks

        var rng = TestRandom(seed: 5)
        let weights = Self.randomRows(.q4_1, columns: 64, rows: 8, rng: &rng)
        var target = [UInt8](repeating: 0xAB, count: weights.count)
        let short = weights.withUnsafeBytes { w in
            target.withUnsafeMutableBytes { cgguf_pack(Self.q4_1, w.baseAddress, 39, 8, 64, $0.baseAddress) }
        }
        #expect(short == -1)
        #expect(target.allSatisfy { $0 == 0xAB })

        // A packed matrix is whole groups: 12 of its rows are not a matrix cgguf_matmul takes.
        let x = [Float](repeating: 1, count: 64)
        #expect(Self.matmul(wtype: Self.packedQ4_1, weights, rows: 12, columns: 64, x: x, tokens: 1, threads: 1).status == -1)
        #expect(Self.matmul(wtype: Self.packedQ4_1, weights, rows: 8, columns: 64, x: x, tokens: 1, threads: 1).status == 0)
        // And it cannot be read a row at a time.
        var row = [Float](repeating: 0, count: 64)
        #expect(cgguf_dequantize_row(Self.packedQ4_1, weights, &row, 64) == -1)
    }

    /// Packed parts share a pass when every part is whole groups, and go one after the other when
    /// one is not; either way each part gets the bits of its plain product.
    @Test(arguments: [[(true, 32), (true, 16), (true, 16)], [(true, 16), (false, 12)], [(false, 8), (true, 24)]])
    func packedPartsGiveEachProductItsOwnBits(_ parts: [(packed: Bool, rows: Int)]) throws {
        var rng = TestRandom(seed: UInt64(parts.count * 100 + parts[0].rows))
        let columns = 256
        let weights = parts.map { Self.randomRows(.q4_1, columns: columns, rows: $0.rows, rng: &rng) }
        let forms = try zip(parts, weights).map { $0.packed ? try Self.pack($1, rows: $0.rows, columns: columns) : $1 }
        let rowBytes = cgguf_row_size(Self.q4_1, Int64(columns))
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: cgguf_matmul_scratch_size(Self.q4_1, Int64(columns), 5),
                                                       alignment: 64)
        defer { scratch.deallocate() }
        for tokens in [1, 5] {
            let x = (0..<(columns * tokens)).map { _ in rng.float(in: -2...2) }
            for threads: Int32 in [1, 2, 3] {
                let pool = cgguf_pool_create(threads)
                defer { cgguf_pool_destroy(pool) }
                let outputs = parts.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.rows * tokens) }
                let inputs = forms.map { form in
                    let w = UnsafeMutableRawPointer.allocate(byteCount: form.count, alignment: 64)
                    form.withUnsafeBytes { w.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                    return w
                }
                defer {
                    outputs.forEach { $0.deallocate() }
                    inputs.forEach { $0.deallocate() }
                }
                let products = parts.indices.map { i in
                    cgguf_matmul_part(wtype: parts[i].packed ? Self.packedQ4_1 : Self.q4_1, w: inputs[i], row_bytes: rowBytes,
                                      rows: Int64(parts[i].rows), out: outputs[i], out_stride: Int64(parts[i].rows))
                }
                #expect(cgguf_matmul_parts(pool, products, Int32(products.count), Int64(columns), x, Int64(tokens), scratch) == 0)
                for i in parts.indices {
                    let plain = Self.matmul(wtype: Self.q4_1, weights[i], rows: parts[i].rows, columns: columns, x: x,
                                            tokens: tokens, threads: 1)
                    let fused = Array(UnsafeBufferPointer(start: outputs[i], count: parts[i].rows * tokens))
                    #expect(fused.map(\.bitPattern) == plain.out.map(\.bitPattern), "part \(i), \(tokens) tokens, \(threads) threads")
                }
            }
        }
    }
}
