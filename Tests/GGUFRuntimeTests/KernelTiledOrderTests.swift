import CGGUFKernels
import Testing
@testable import GGUFRuntime

/// k-quant products of 8 tokens or more follow llama.cpp's tiled kernel: each super-block's
/// integer sum once, then r = d * s1 (- dmin * s2, fused) and acc = fma(r, activation d, acc).
/// Fewer tokens keep the row kernel's order. Part of the serialised kernel suite.
extension KernelTests {
    /// out[t * rows + r] = row r of `weights` . token t of `x`, through cgguf_matmul on a pool.
    static func matmul(_ type: GGUFTensorType, _ weights: [UInt8], rows: Int, columns: Int, x: [Float], tokens: Int,
                       threads: Int32, order: Int32 = Int32(CGGUF_ORDER_AVX512)) -> [Float] {
        let pool = cgguf_pool_create(threads)
        defer { cgguf_pool_destroy(pool) }
        cgguf_pool_set_order(pool, order)
        var out = [Float](repeating: 0, count: rows * tokens)
        let scratch = UnsafeMutableRawPointer.allocate(
            byteCount: cgguf_matmul_scratch_size(Int32(type.rawValue), Int64(columns), Int64(tokens)), alignment: 64)
        defer { scratch.deallocate() }
        weights.withUnsafeBytes { w in
            x.withUnsafeBufferPointer { xs in
                out.withUnsafeMutableBufferPointer { o in
                    _ = cgguf_matmul(pool, Int32(type.rawValue), w.baseAddress, type.rowSize(elements: columns)!, Int64(rows),
                                     Int64(columns), xs.baseAddress, Int64(tokens), o.baseAddress, Int64(rows), scratch)
                }
            }
        }
        return out
    }

    /// Random super-blocks with small positive scales (any other bytes are valid codes).
    static func randomKQuantRows(_ type: GGUFTensorType, blocks: Int, rng: inout TestRandom) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<blocks {
            var block = (0..<type.typeSize).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for o in type == .q6_K ? [208] : [0, 2] {
                block.replaceSubrange(o..<(o + 2), with: f16Bytes(rng.float(in: 0.001...0.03)))
            }
            out += block
        }
        return out
    }

    /// Random rows of any integer-kernel type (small positive k-quant scales, as randomKQuantRows).
    static func randomWeights(_ type: GGUFTensorType, columns: Int, rows: Int, rng: inout TestRandom) -> [UInt8] {
        type.blockSize == 256
            ? randomKQuantRows(type, blocks: rows * columns / type.blockSize, rng: &rng)
            : randomRows(type, columns: columns, rows: rows, rng: &rng)
    }

    /// The tiled kernel's result for one weight row and one quantised activation row, from the
    /// exact integers (got by dequantising with d = 1, dmin = 0 and d = 0, dmin = 1).
    static func tiledOrderDot(_ type: GGUFTensorType, row: [UInt8], activations q8: [UInt8]) -> Float {
        var acc: Float = 0
        for b in 0..<(row.count / type.typeSize) {
            var block = Array(row[(b * type.typeSize)..<((b + 1) * type.typeSize)])
            let yBlock = Array(q8[(b * 292)..<((b + 1) * 292)])
            let yd = yBlock[0..<4].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
            let y = yBlock[4..<260].map { Int(Int8(bitPattern: $0)) }
            func integerSum(d: Float, dmin: Float) -> Int {
                if type == .q6_K {
                    block.replaceSubrange(208..<210, with: f16Bytes(d))
                } else {
                    block.replaceSubrange(0..<2, with: f16Bytes(d))
                    block.replaceSubrange(2..<4, with: f16Bytes(dmin))
                }
                return zip(dequantize(type, block, count: 256), y).reduce(0) { $0 + Int($1.0) * $1.1 }
            }
            let original = block
            let d = cgguf_fp16_to_fp32(UInt16(block[type == .q6_K ? 208 : 0]) | UInt16(block[type == .q6_K ? 209 : 1]) << 8)
            var r = Float(integerSum(d: 1, dmin: 0)) * d
            if type != .q6_K {
                block = original
                let dmin = cgguf_fp16_to_fp32(UInt16(block[2]) | UInt16(block[3]) << 8)
                // Dequantising with d = 0, dmin = 1 gives -min per element: the negated s2.
                r = r.addingProduct(dmin, Float(integerSum(d: 0, dmin: 1)))
            }
            block = original
            acc = acc.addingProduct(r, yd)
        }
        return acc
    }

    @Test(arguments: [GGUFTensorType.q4_K, .q5_K, .q6_K])
    func batchesOfEightTokensTakeLlamaCppsTiledOrder(_ type: GGUFTensorType) throws {
        var rng = TestRandom(seed: UInt64(type.rawValue) * 31 + 5)
        // Q4_K with a multiple of 8 rows is repacked by llama.cpp and keeps its own order: 3 rows.
        let columns = 1024, rows = 3, tokens = 8
        let weights = Self.randomKQuantRows(type, blocks: rows * columns / 256, rng: &rng)
        let rowBytes = try #require(type.rowSize(elements: columns))
        let x = (0..<(columns * tokens)).map { _ in rng.float(in: -3...3) }
        var q8 = [UInt8](repeating: 0, count: tokens * columns / 256 * 292)
        x.withUnsafeBufferPointer { src in
            q8.withUnsafeMutableBytes { dst in
                for t in 0..<tokens {
                    cgguf_quantize_q8_k(src.baseAddress! + t * columns, dst.baseAddress! + t * columns / 256 * 292, Int64(columns))
                }
            }
        }
        func matmul(tokens: Int, level: GGUFKernels.Level) -> [Float] {
            GGUFKernels.select(level)
            return Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: 2)
        }
        defer { GGUFKernels.select(GGUFKernels.best) }
        var orderMattered = false
        for level in [GGUFKernels.Level.scalar, GGUFKernels.best] {
            let batch = matmul(tokens: tokens, level: level)
            let single = matmul(tokens: 1, level: level)
            for r in 0..<rows {
                let row = Array(weights[(r * rowBytes)..<((r + 1) * rowBytes)])
                for t in 0..<tokens {
                    let y = Array(q8[(t * columns / 256 * 292)..<((t + 1) * columns / 256 * 292)])
                    #expect(batch[t * rows + r] == Self.tiledOrderDot(type, row: row, activations: y), "\(type) \(level) row \(r) token \(t)")
                }
                let rowKernel = row.withUnsafeBytes { w in
                    q8.withUnsafeBytes { y -> Float in
                        switch type {
                        case .q4_K: return cgguf_dot_q4_k_q8_k(Int64(columns), w.baseAddress, y.baseAddress)
                        case .q5_K: return cgguf_dot_q5_k_q8_k(Int64(columns), w.baseAddress, y.baseAddress)
                        default: return cgguf_dot_q6_k_q8_k(Int64(columns), w.baseAddress, y.baseAddress)
                        }
                    }
                }
                #expect(single[r] == rowKernel, "\(type) \(level) row \(r), one token")
                if rowKernel != batch[r] { orderMattered = true }
            }
        }
        // Otherwise this test could not tell the two orders apart.
        #expect(orderMattered, "\(type): the orders agreed on every product")
    }

    /// Q4_K with a multiple of 8 rows, which llama.cpp repacks: its batch kernel (for all but the
    /// last n % 4 tokens) adds one exact integer per 64 elements, its one-token kernel one per
    /// super-block; the mins likewise, subtracted at the end.
    @Test func repackedQ4_KTakesTheBatchOrderForGroupsOfFourTokens() throws {
        var rng = TestRandom(seed: 77)
        let columns = 768, rows = 8, tokens = 6
        let weights = Self.randomKQuantRows(.q4_K, blocks: rows * columns / 256, rng: &rng)
        let rowBytes = try #require(GGUFTensorType.q4_K.rowSize(elements: columns))
        let x = (0..<(columns * tokens)).map { _ in rng.float(in: -3...3) }
        func reference(row: [UInt8], token t: Int, groupsOf64: Bool) -> Float {
            var acc: Float = 0, accMin: Float = 0
            for b in 0..<(columns / 256) {
                let block = Array(row[(b * 144)..<((b + 1) * 144)])
                let d = cgguf_fp16_to_fp32(UInt16(block[0]) | UInt16(block[1]) << 8)
                let dmin = cgguf_fp16_to_fp32(UInt16(block[2]) | UInt16(block[3]) << 8)
                var q8 = [UInt8](repeating: 0, count: 292)
                x[(t * columns + b * 256)..<(t * columns + (b + 1) * 256)].withContiguousStorageIfAvailable { src in
                    q8.withUnsafeMutableBytes { cgguf_quantize_q8_k(src.baseAddress, $0.baseAddress, 256) }
                }
                let yd = q8[0..<4].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
                let y = q8[4..<260].map { Int(Int8(bitPattern: $0)) }
                var unit = block, minsOnly = block
                unit.replaceSubrange(0..<4, with: f16Bytes(1) + f16Bytes(0))
                minsOnly.replaceSubrange(0..<4, with: f16Bytes(0) + f16Bytes(1))
                let scaled = Self.dequantize(.q4_K, unit, count: 256), mins = Self.dequantize(.q4_K, minsOnly, count: 256)
                let width = groupsOf64 ? 64 : 256
                for g in stride(from: 0, to: 256, by: width) {
                    let s = (g..<(g + width)).reduce(0) { $0 + Int(scaled[$1]) * y[$1] }
                    let m = (g..<(g + width)).reduce(0) { $0 - Int(mins[$1]) * y[$1] }
                    acc = acc.addingProduct(Float(s), d * yd)
                    accMin = accMin.addingProduct(Float(m), dmin * yd)
                }
            }
            return acc - accMin
        }
        defer { GGUFKernels.select(GGUFKernels.best) }
        var ordersDiffered = false
        for level in [GGUFKernels.Level.scalar, GGUFKernels.best] {
            GGUFKernels.select(level)
            let out = Self.matmul(.q4_K, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: 2)
            for r in 0..<rows {
                let row = Array(weights[(r * rowBytes)..<((r + 1) * rowBytes)])
                for t in 0..<tokens {
                    let batch = reference(row: row, token: t, groupsOf64: true), single = reference(row: row, token: t, groupsOf64: false)
                    #expect(out[t * rows + r] == (t < 4 ? batch : single), "\(level) row \(r) token \(t)")
                    if batch != single { ordersDiffered = true }
                }
            }
        }
        #expect(ordersDiffered, "the two orders agreed on every product")
    }

    /// The 2-row x 4-token tiles of every type give the row kernels' bits (the scalar level has no
    /// tiles): batches of 9 and 13 tokens (a tail past the last group of four), an odd row count
    /// (a row left to the row kernel), with one and three threads and without VNNI.
    @Test(arguments: [(GGUFTensorType.q4_0, 13), (.q4_1, 13), (.q5_0, 13), (.q5_1, 13), (.q8_0, 13),
                      (.q4_K, 16), (.q4_K, 11), (.q5_K, 11), (.q6_K, 11)])
    func tilesGiveTheRowKernelsBits(_ type: GGUFTensorType, _ rows: Int) throws {
        var rng = TestRandom(seed: UInt64(type.rawValue) * 7 + UInt64(rows))
        let columns = 768
        let weights = Self.randomWeights(type, columns: columns, rows: rows, rng: &rng)
        defer {
            GGUFKernels.select(GGUFKernels.best)
            cgguf_set_vnni(1)
        }
        for tokens in [9, 13] {
            let x = (0..<(columns * tokens)).map { _ in rng.float(in: -3...3) }
            GGUFKernels.select(.scalar)
            let reference = Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: 1)
            GGUFKernels.select(GGUFKernels.best)
            #expect(Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: 1) == reference,
                    "\(type) \(rows) rows, \(tokens) tokens, 1 thread")
            #expect(Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: 3) == reference,
                    "\(type) \(rows) rows, \(tokens) tokens, 3 threads")
            cgguf_set_vnni(0)
            #expect(Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: 2) == reference,
                    "\(type) \(rows) rows, \(tokens) tokens, no VNNI")
            cgguf_set_vnni(1)
        }
    }

    /// One token (generation), where Q8_0, Q4_1, Q5_0 and the k-quant rows go four at a time: the
    /// row kernel's bits, with row counts that leave 0 to 3 rows over per thread (Q5_1 and Q4_0 go
    /// one by one), on both x86 levels. Q4_K takes its repacked one-token order when the rows are a
    /// multiple of 8 (40, 8) and vec_dot's otherwise (11).
    @Test(arguments: [(GGUFTensorType.q8_0, 16), (.q8_0, 13), (.q8_0, 7), (.q4_1, 13), (.q5_0, 13), (.q5_1, 13), (.q4_0, 5),
                      (.q4_K, 40), (.q4_K, 8), (.q4_K, 11), (.q5_K, 13), (.q5_K, 16), (.q6_K, 13), (.q6_K, 16)])
    func oneTokenGivesTheRowKernelsBits(_ type: GGUFTensorType, _ rows: Int) throws {
        var rng = TestRandom(seed: UInt64(type.rawValue) * 11 + UInt64(rows))
        let columns = 768
        let weights = Self.randomWeights(type, columns: columns, rows: rows, rng: &rng)
        defer {
            GGUFKernels.select(GGUFKernels.best)
            cgguf_set_vnni(1)
        }
        let x = (0..<columns).map { _ in rng.float(in: -3...3) }
        GGUFKernels.select(.scalar)
        let reference = Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: 1, threads: 1)
        GGUFKernels.select(GGUFKernels.best)
        for threads: Int32 in [1, 2, 3] {
            #expect(Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: 1, threads: threads) == reference,
                    "\(type) \(rows) rows, \(threads) threads")
        }
        cgguf_set_vnni(0)
        #expect(Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: 1, threads: 2) == reference,
                "\(type) \(rows) rows, no VNNI")
    }
}
