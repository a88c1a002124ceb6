import CGGUFKernels
import Testing
@testable import GGUFRuntime

/// cgguf_matmul_parts (a layer's Q, K and V, or its gate and up, in one pass of the pool) gives
/// every part the bits cgguf_matmul gives it alone: whatever the thread count cuts across the
/// parts, with the activations prepared once when the parts share their form, and one after
/// the other when they do not. Part of the serialised kernel suite.
extension KernelTests {
    static func partWeights(_ type: GGUFTensorType, rows: Int, columns: Int, rng: inout TestRandom) -> [UInt8] {
        switch type {
        case .q4_K, .q5_K, .q6_K:
            return randomKQuantRows(type, blocks: rows * columns / type.blockSize, rng: &rng)
        case .f16:
            return (0..<(rows * columns)).flatMap { _ in f16Bytes(rng.float(in: -1...1)) }
        default:
            return randomRows(type, columns: columns, rows: rows, rng: &rng)
        }
    }

    @Test(arguments: [
        [(GGUFTensorType.q4_1, 36), (.q4_1, 12), (.q4_1, 12)], // Q, K and V of the default model's types
        [(.q5_0, 30), (.q8_0, 10)], // Q4_K_M's fallbacks: different weights, the same Q8_0 activations
        [(.q6_K, 8), (.q4_K, 16)], // k-quant tiles and the repacked Q4_K order, Q8_K activations
        [(.q4_K, 16), (.q5_0, 9)], // Q8_K and Q8_0 activations: one after the other
        [(.f16, 5), (.q8_0, 7)], // float weights: one after the other
    ])
    func partsGiveEachProductItsOwnBits(_ parts: [(GGUFTensorType, Int)]) throws {
        var rng = TestRandom(seed: UInt64(parts.count * 1000 + parts[0].1))
        let columns = 512
        let weights = parts.map { Self.partWeights($0.0, rows: $0.1, columns: columns, rng: &rng) }
        let scratchBytes = parts.map { cgguf_matmul_scratch_size(Int32($0.0.rawValue), Int64(columns), 16) }.max()!
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
        defer { scratch.deallocate() }

        for tokens in [1, 5, 16] {
            let x = (0..<(columns * tokens)).map { _ in rng.float(in: -2...2) }
            for threads: Int32 in [1, 2, 3] {
                let pool = cgguf_pool_create(threads)
                defer { cgguf_pool_destroy(pool) }
                // Each part's output rows `stride` apart, wider than the part, as Q's in its buffer.
                let strides = parts.map { $0.1 + 3 }
                var outputs = zip(parts, strides).map { [Float](repeating: .nan, count: $1 * tokens) }
                let status = try withParts(parts, weights, columns: columns, outputs: &outputs, strides: strides) { products in
                    x.withUnsafeBufferPointer { xs in
                        cgguf_matmul_parts(pool, products, Int32(products.count), Int64(columns), xs.baseAddress,
                                           Int64(tokens), scratch)
                    }
                }
                #expect(status == 0)
                for (i, part) in parts.enumerated() {
                    let alone = Self.matmul(part.0, weights[i], rows: part.1, columns: columns, x: x, tokens: tokens,
                                            threads: threads)
                    for t in 0..<tokens {
                        let fused = Array(outputs[i][(t * strides[i])..<(t * strides[i] + part.1)])
                        let expected = Array(alone[(t * part.1)..<((t + 1) * part.1)])
                        #expect(fused.map(\.bitPattern) == expected.map(\.bitPattern),
                                "part \(i) (\(part.0)), token \(t) of \(tokens), \(threads) threads")
                    }
                    // Nothing written between one token's rows and the next's.
                    for t in 0..<tokens {
                        #expect(outputs[i][(t * strides[i] + part.1)..<((t + 1) * strides[i])].allSatisfy { $0.isNaN })
                    }
                }
            }
        }
    }

    @Test func partsRefuseCountsAndColumnsTheyCannotTake() {
        let pool = cgguf_pool_create(1)
        defer { cgguf_pool_destroy(pool) }
        var out = [Float](repeating: 0, count: 64)
        let weights = [UInt8](repeating: 0, count: 34 * 8)
        let x = [Float](repeating: 1, count: 64)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        defer { scratch.deallocate() }
        weights.withUnsafeBytes { w in
            out.withUnsafeMutableBufferPointer { o in
                let part = cgguf_matmul_part(wtype: Int32(GGUFTensorType.q8_0.rawValue), w: w.baseAddress, row_bytes: 34,
                                             rows: 4, out: o.baseAddress, out_stride: 4)
                #expect(cgguf_matmul_parts(pool, [part], 0, 32, x, 1, scratch) == -1)
                #expect(cgguf_matmul_parts(pool, Array(repeating: part, count: 5), 5, 32, x, 1, scratch) == -1)
                // 48 columns are not a whole number of 32-element blocks.
                #expect(cgguf_matmul_parts(pool, [part], 1, 48, x, 1, scratch) == -1)
                #expect(cgguf_matmul_parts(pool, [part], 1, 32, x, 1, scratch) == 0)
            }
        }
    }

    /// The parts as C structs pointing into `weights` and `outputs`, for the time of `body`.
    private func withParts(_ parts: [(GGUFTensorType, Int)], _ weights: [[UInt8]], columns: Int, outputs: inout [[Float]],
                           strides: [Int], _ body: ([cgguf_matmul_part]) -> Int32) throws -> Int32 {
        var pinned: [(UnsafeMutableRawPointer, UnsafeMutablePointer<Float>)] = []
        defer {
            for (w, o) in pinned {
                w.deallocate()
                o.deallocate()
            }
        }
        var products: [cgguf_matmul_part] = []
        for (i, part) in parts.enumerated() {
            let w = UnsafeMutableRawPointer.allocate(byteCount: weights[i].count, alignment: 64)
            weights[i].withUnsafeBytes { w.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let o = UnsafeMutablePointer<Float>.allocate(capacity: outputs[i].count)
            o.initialize(from: outputs[i], count: outputs[i].count)
            pinned.append((w, o))
            products.append(cgguf_matmul_part(wtype: Int32(part.0.rawValue), w: w,
                                              row_bytes: try #require(part.0.rowSize(elements: columns)),
                                              rows: Int64(part.1), out: o, out_stride: Int64(strides[i])))
        }
        let status = body(products)
        for i in parts.indices { outputs[i] = Array(UnsafeBufferPointer(start: pinned[i].1, count: outputs[i].count)) }
        return status
    }
}
