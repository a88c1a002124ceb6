import CGGUFKernels
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Dequantisation of hand-made blocks with exact expected values, conversions, and
/// agreement of the AVX2 and scalar kernels.
@Suite(.heavy, .serialized) struct KernelTests {
    static func dequantize(_ type: GGUFTensorType, _ bytes: [UInt8], count: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        let status = bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dst in
                cgguf_dequantize_row(Int32(type.rawValue), src.baseAddress, dst.baseAddress, Int64(count))
            }
        }
        #expect(status == 0)
        return out
    }

    @Test func halfPrecisionConversionsRoundToNearestEven() {
        #expect(cgguf_fp16_to_fp32(0x3C00) == 1)
        #expect(cgguf_fp16_to_fp32(0xC000) == -2)
        #expect(cgguf_fp16_to_fp32(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(cgguf_fp16_to_fp32(0x7C00) == .infinity)
        #expect(cgguf_fp32_to_fp16(1) == 0x3C00)
        #expect(cgguf_fp32_to_fp16(65504) == 0x7BFF)
        #expect(cgguf_fp32_to_fp16(65520) == 0x7C00)
        // 1 + 2^-11 is halfway between 1 and the next half: ties go to even (1).
        #expect(cgguf_fp32_to_fp16(1 + 0x1p-11) == 0x3C00)
        #expect(cgguf_fp32_to_fp16(1 + 0x1p-11 + 0x1p-20) == 0x3C01)
        #expect(cgguf_fp32_to_fp16(0x1p-25) == 0)
        #expect(cgguf_fp32_to_fp16(0x1p-24) == 1)
        #expect(cgguf_bf16_to_fp32(0x3F80) == 1)
        var rng = TestRandom(seed: 7)
        for _ in 0..<20000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let f = Float(bitPattern: bits)
            guard !f.isNaN else { continue }
            #expect(cgguf_fp32_to_fp16(f) == Float16(f).bitPattern, "\(f)")
        }
    }

    @Test func dequantizesFloatTypes() {
        #expect(Self.dequantize(.f32, le(Float(1.5).bitPattern) + le(Float(-2).bitPattern), count: 2) == [1.5, -2])
        #expect(Self.dequantize(.f16, le(UInt16(0x3C00)) + le(UInt16(0xB800)), count: 2) == [1, -0.5])
        #expect(Self.dequantize(.bf16, le(UInt16(0x4040)) + le(UInt16(0xBF80)), count: 2) == [3, -1])
    }

    @Test func dequantizesQ4_0() {
        // d = 0.5; nibble j (low) = j, high = 15 - j; value = (q - 8) * d.
        let qs: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j) | (UInt8(15 - j) << 4) }
        let out = Self.dequantize(.q4_0, f16Bytes(0.5) + qs, count: 32)
        var expected: [Float] = []
        for j in 0..<16 { expected.append(Float(j - 8) * 0.5) }
        for j in 0..<16 { expected.append(Float(7 - j) * 0.5) }
        #expect(out == expected)
    }

    @Test func dequantizesQ4_1() {
        let qs: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j) | (UInt8(15 - j) << 4) }
        let out = Self.dequantize(.q4_1, f16Bytes(0.25) + f16Bytes(-1) + qs, count: 32)
        var expected: [Float] = []
        for j in 0..<16 { expected.append(Float(j) * 0.25 - 1) }
        for j in 0..<16 { expected.append(Float(15 - j) * 0.25 - 1) }
        #expect(out == expected)
    }

    @Test func dequantizesQ8_0() {
        let qs: [Int8] = (0..<32).map { (j: Int) -> Int8 in Int8(j * 8 - 127) }
        let out = Self.dequantize(.q8_0, f16Bytes(2) + qs.map { UInt8(bitPattern: $0) }, count: 32)
        #expect(out == qs.map { Float($0) * 2 })
    }

    @Test func dequantizesQ4_K() {
        // Sub-block scales 1...8 and mins 0...7 in the 6-bit packing; d = 0.5, dmin = 0.25.
        let sc: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8], mn: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7]
        var scales = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            scales[j] = sc[j] | ((sc[j + 4] >> 4) << 6)
            scales[j + 4] = mn[j] | ((mn[j + 4] >> 4) << 6)
            scales[j + 8] = (sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4)
        }
        var qs: [UInt8] = []
        for i in 0..<128 {
            let low = UInt8(i % 16), high = UInt8((i / 8) % 16)
            qs.append(low | (high << 4))
        }
        var block: [UInt8] = f16Bytes(0.5)
        block += f16Bytes(0.25)
        block += scales
        block += qs
        let out = Self.dequantize(.q4_K, block, count: 256)
        var expected: [Float] = []
        for chunk in 0..<4 {
            let d1: Float = 0.5 * Float(sc[2 * chunk]), m1: Float = 0.25 * Float(mn[2 * chunk])
            let d2: Float = 0.5 * Float(sc[2 * chunk + 1]), m2: Float = 0.25 * Float(mn[2 * chunk + 1])
            for l in 0..<32 { expected.append(d1 * Float(qs[chunk * 32 + l] & 0xF) - m1) }
            for l in 0..<32 { expected.append(d2 * Float(qs[chunk * 32 + l] >> 4) - m2) }
        }
        #expect(out == expected)
    }

    @Test func dequantizesQ5_K() {
        let sc: [UInt8] = [3, 1, 4, 1, 5, 9, 2, 6], mn: [UInt8] = [2, 7, 1, 8, 2, 8, 1, 8]
        var scales = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            scales[j] = sc[j]
            scales[j + 4] = mn[j]
            scales[j + 8] = (sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4)
        }
        let qh: [UInt8] = (0..<32).map { (j: Int) -> UInt8 in UInt8((j * 37) % 256) }
        let ql: [UInt8] = (0..<128).map { (j: Int) -> UInt8 in UInt8((j * 11) % 256) }
        let out = Self.dequantize(.q5_K, f16Bytes(0.125) + f16Bytes(0.5) + scales + qh + ql, count: 256)
        var expected: [Float] = []
        for chunk in 0..<4 {
            let q = Array(ql[(chunk * 32)..<(chunk * 32 + 32)])
            let lowBit = UInt8(1 << (2 * chunk)), highBit = UInt8(2 << (2 * chunk))
            for l in 0..<32 {
                let v = Float(Int(q[l] & 0xF) + (qh[l] & lowBit != 0 ? 16 : 0))
                expected.append(0.125 * Float(sc[2 * chunk]) * v - 0.5 * Float(mn[2 * chunk]))
            }
            for l in 0..<32 {
                let v = Float(Int(q[l] >> 4) + (qh[l] & highBit != 0 ? 16 : 0))
                expected.append(0.125 * Float(sc[2 * chunk + 1]) * v - 0.5 * Float(mn[2 * chunk + 1]))
            }
        }
        #expect(out == expected)
    }

    @Test func dequantizesQ6_K() {
        let ql: [UInt8] = (0..<128).map { (j: Int) -> UInt8 in UInt8((j * 29) % 256) }
        let qh: [UInt8] = (0..<64).map { (j: Int) -> UInt8 in UInt8((j * 53) % 256) }
        let scales: [Int8] = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16]
        let out = Self.dequantize(.q6_K, ql + qh + scales.map { UInt8(bitPattern: $0) } + f16Bytes(0.5), count: 256)
        var expected = [Float](repeating: 0, count: 256)
        for half in 0..<2 {
            for l in 0..<32 {
                let a = ql[half * 64 + l], b = ql[half * 64 + l + 32], h = qh[half * 32 + l]
                let q1 = Int(a & 0xF) | Int(h & 3) << 4
                let q2 = Int(b & 0xF) | Int((h >> 2) & 3) << 4
                let q3 = Int(a >> 4) | Int((h >> 4) & 3) << 4
                let q4 = Int(b >> 4) | Int((h >> 6) & 3) << 4
                let s = half * 8 + l / 16
                expected[half * 128 + l] = 0.5 * Float(scales[s]) * Float(q1 - 32)
                expected[half * 128 + l + 32] = 0.5 * Float(scales[s + 2]) * Float(q2 - 32)
                expected[half * 128 + l + 64] = 0.5 * Float(scales[s + 4]) * Float(q3 - 32)
                expected[half * 128 + l + 96] = 0.5 * Float(scales[s + 6]) * Float(q4 - 32)
            }
        }
        #expect(out == expected)
    }

    @Test func quantizesActivationsLikeLlamaCpp() {
        // max |x| = 127 gives d = 1 and exact integers; 2.5 rounds to even (2).
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127
        x[1] = 2.5
        x[2] = -3.5
        x[3] = 1.4
        var block = [UInt8](repeating: 0, count: 36)
        x.withUnsafeBufferPointer { src in
            block.withUnsafeMutableBytes { cgguf_quantize_q8_1(src.baseAddress, $0.baseAddress, 32) }
        }
        #expect(Array(block[0..<2]) == f16Bytes(1))
        #expect(Array(block[2..<4]) == f16Bytes(127 + 2 - 4 + 1))
        #expect(block[4..<8].map { Int8(bitPattern: $0) } == [127, 2, -4, 1])
    }

    /// The KV cache store (F16C on AVX2) rounds exactly like the scalar conversion.
    @Test func storesHalvesAlikeOnBothKernelLevels() {
        var rng = TestRandom(seed: 11)
        var x: [Float] = []
        while x.count < 4099 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if !f.isNaN { x.append(x.count % 2 == 0 ? f : rng.float(in: -70000...70000)) }
        }
        func run(_ level: GGUFKernels.Level) -> [UInt16] {
            GGUFKernels.select(level)
            var out = [UInt16](repeating: 0, count: x.count)
            cgguf_store_f16(x, &out, Int64(x.count))
            return out
        }
        let best = GGUFKernels.best
        defer { GGUFKernels.select(best) }
        let scalar = run(.scalar)
        #expect(run(best) == scalar)
        #expect(scalar == x.map { Float16($0).bitPattern })
    }

    /// Activation quantisation gives the same bytes on both kernel levels: random blocks,
    /// blocks with exact halves (ties round to even), an all-zero block, a negative maximum.
    @Test func quantisationAgreesAcrossKernels() {
        var rng = TestRandom(seed: 31)
        var x = (0..<(32 * 40)).map { _ in rng.float(in: -5...5) }
        for i in 0..<32 { x[32 + i] = i == 0 ? 127 : Float(Int(rng.next() % 200) - 100) + 0.5 }
        for i in 0..<32 { x[64 + i] = 0 }
        x[96] = -50
        func run(_ level: GGUFKernels.Level) -> ([UInt8], [UInt8]) {
            GGUFKernels.select(level)
            var q0 = [UInt8](repeating: 0, count: 34 * 40), q1 = [UInt8](repeating: 0, count: 36 * 40)
            cgguf_quantize_q8_0(x, &q0, Int64(x.count))
            cgguf_quantize_q8_1(x, &q1, Int64(x.count))
            return (q0, q1)
        }
        let best = GGUFKernels.best
        defer { GGUFKernels.select(best) }
        let scalar = run(.scalar), fast = run(best)
        #expect(scalar.0 == fast.0)
        #expect(scalar.1 == fast.1)
        #expect(scalar.1[(36 * 2)..<(36 * 3)].allSatisfy { $0 == 0 })
    }

    /// Random weight rows and activations of every integer-dot type.
    static func randomRows(_ type: GGUFTensorType, columns: Int, rows: Int, rng: inout TestRandom) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<(rows * columns / type.blockSize) {
            switch type {
            case .q4_0: bytes += f16Bytes(rng.float(in: 0.001...0.05))
            case .q4_1, .q5_1: bytes += f16Bytes(rng.float(in: 0.001...0.05)) + f16Bytes(rng.float(in: -0.2...0.2))
            case .q5_0: bytes += f16Bytes(rng.float(in: 0.001...0.05))
            default: bytes += f16Bytes(rng.float(in: 0.0001...0.01))
            }
            let payload = type.typeSize - (type == .q4_1 || type == .q5_1 ? 4 : 2)
            bytes += (0..<payload).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        return bytes
    }

    @Test(arguments: [GGUFTensorType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .f16])
    func matmulAgreesAcrossKernelsThreadsAndWithFloatReference(_ type: GGUFTensorType) throws {
        var rng = TestRandom(seed: UInt64(type.rawValue) + 99)
        // Q4_K with a multiple of 8 rows takes llama.cpp's repacked-row order (the
        // single-row kernel is checked exactly in KernelQuantTests).
        let columns = 512, rows = type == .q4_K ? 16 : 13, tokens = 7
        let weights: [UInt8]
        if [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0].contains(type) {
            weights = Self.randomRows(type, columns: columns, rows: rows, rng: &rng)
        } else {
            // Any bytes are valid K-quant blocks except NaN scales: use small halves.
            var w: [UInt8] = []
            for _ in 0..<(rows * columns / type.blockSize) {
                var block = (0..<type.typeSize).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let scaleOffsets = type == .q6_K ? [208] : (type == .f16 ? [] : [0, 2])
                for o in scaleOffsets { block.replaceSubrange(o..<(o + 2), with: f16Bytes(rng.float(in: 0.001...0.01))) }
                if type == .f16 { block = f16Bytes(rng.float(in: -1...1)) }
                w += block
            }
            weights = w
        }
        var x: [Float] = []
        for _ in 0..<(columns * tokens) { x.append(rng.float(in: -2...2)) }
        let rowBytes = try #require(type.rowSize(elements: columns))

        func run(threads: Int32, level: GGUFKernels.Level) -> [Float] {
            GGUFKernels.select(level)
            return Self.matmul(type, weights, rows: rows, columns: columns, x: x, tokens: tokens, threads: threads)
        }
        let best = GGUFKernels.best
        defer {
            GGUFKernels.select(best)
            cgguf_set_vnni(1)
        }
        let fast = run(threads: 1, level: best)
        #expect(run(threads: 1, level: .scalar) == fast)
        #expect(run(threads: 3, level: best) == fast)
        // The AVX2 tiles without VNNI (a no-op where the CPU has none).
        cgguf_set_vnni(0)
        #expect(run(threads: 1, level: best) == fast)
        cgguf_set_vnni(1)
        // F16 weights in the AVX2 build's order: the same across levels and threads, and not the
        // AVX-512 build's bits (single tokens through ggml_vec_dot_f16, batches through tinyBLAS).
        if type == .f16 {
            for count in [1, tokens] {
                let xs = Array(x.prefix(columns * count))
                func ordered(_ level: GGUFKernels.Level, threads: Int32, _ order: Int32) -> [Float] {
                    GGUFKernels.select(level)
                    return Self.matmul(type, weights, rows: rows, columns: columns, x: xs, tokens: count, threads: threads,
                                       order: order)
                }
                let narrow = ordered(best, threads: 1, Int32(CGGUF_ORDER_AVX2))
                #expect(ordered(.scalar, threads: 1, Int32(CGGUF_ORDER_AVX2)) == narrow, "\(count) tokens")
                #expect(ordered(best, threads: 3, Int32(CGGUF_ORDER_AVX2)) == narrow, "\(count) tokens")
                #expect(ordered(best, threads: 1, Int32(CGGUF_ORDER_AVX512)) != narrow, "\(count) tokens")
            }
        }

        // Against a float reference: quantising activations to 8 bits costs < 2%.
        for r in 0..<rows {
            let row = Self.dequantize(type, Array(weights[(r * rowBytes)..<((r + 1) * rowBytes)]), count: columns)
            for t in 0..<tokens {
                let xt = x[(t * columns)..<((t + 1) * columns)]
                let reference = zip(row, xt).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                let magnitude = zip(row, xt).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
                #expect(abs(fast[t * rows + r] - reference) <= 0.02 * magnitude + 1e-4)
            }
        }
    }

    /// Attention over random F16 caches: the blocked F32 path (16 lanes with AVX-512, 8 without)
    /// and the F16 path give the scalar path's bits, for batches that start mid-tile, end mid-block and
    /// span several 64-key tiles, with one and two threads; scores large enough that
    /// some softmax weights underflow to subnormals or zero; a head of 96 takes the blocked
    /// path's whole 64-wide slice and its remainder.
    @Test(arguments: [(Int64(0), Int64(70), Int64(64)), (Int64(37), Int64(100), Int64(64)), (Int64(130), Int64(64), Int64(64)),
                      (Int64(5), Int64(3), Int64(64)), (Int64(37), Int64(100), Int64(96))])
    func attentionAgreesAcrossKernelsAndThreads(_ firstPos: Int64, _ tokens: Int64, _ hd: Int64) {
        // Three, four, five (four, then one) and two query heads per KV head: the 16-lane path takes
        // a token's queries of a KV head up to four at a time.
        for (heads, kvHeads) in [(Int64(6), Int64(2)), (8, 2), (5, 1), (2, 1)] {
            attentionAgrees(firstPos, tokens, hd, heads: heads, kvHeads: kvHeads)
        }
    }

    private func attentionAgrees(_ firstPos: Int64, _ tokens: Int64, _ hd: Int64, heads: Int64, kvHeads: Int64) {
        var rng = TestRandom(seed: UInt64(firstPos * 1000 + tokens))
        let kvStride = kvHeads * hd, positions = firstPos + tokens
        var q = [Float](), k = [UInt16](), v = [UInt16]()
        for _ in 0..<(tokens * heads * hd) { q.append(rng.float(in: -4...4)) }
        for _ in 0..<(positions * kvStride) {
            k.append(cgguf_fp32_to_fp16(rng.float(in: -3...3)))
            v.append(cgguf_fp32_to_fp16(rng.float(in: -1...1)))
        }
        func run(level: GGUFKernels.Level, threads: Int32, precise: Int32, order: Int32) -> [Float] {
            GGUFKernels.select(level)
            let pool = cgguf_pool_create(threads)
            defer { cgguf_pool_destroy(pool) }
            cgguf_pool_set_order(pool, order)
            var out = [Float](repeating: .nan, count: Int(tokens * heads * hd))
            cgguf_attention(pool, q, k, v, kvStride, firstPos, tokens, heads, kvHeads, hd, 0.125, precise, &out)
            return out
        }
        let best = GGUFKernels.best
        defer { GGUFKernels.select(best) }
        // Both llama.cpp builds' orders (16-lane and 8-lane sums, and their two exp forms).
        for precise: Int32 in [1, 0] {
            var results: [[Float]] = []
            for order in [Int32(CGGUF_ORDER_AVX512), Int32(CGGUF_ORDER_AVX2)] {
                let scalar = run(level: .scalar, threads: 1, precise: precise, order: order)
                #expect(!scalar.contains { $0.isNaN })
                #expect(run(level: best, threads: 1, precise: precise, order: order) == scalar, "order \(order), \(heads)/\(kvHeads) heads")
                #expect(run(level: best, threads: 2, precise: precise, order: order) == scalar, "order \(order), \(heads)/\(kvHeads) heads")
                // The 8-lane blocked path where the CPU would take the 16-lane one (AVX-512).
                cgguf_set_vnni(0)
                #expect(run(level: best, threads: 2, precise: precise, order: order) == scalar, "order \(order), \(heads)/\(kvHeads) heads, no AVX-512")
                cgguf_set_vnni(1)
                results.append(scalar)
            }
            // The orders are not the same computation (each is checked against llama.cpp's
            // logits by the perplexity fixtures).
            #expect(results[0] != results[1], "precise \(precise), \(heads) heads")
        }
    }

    /// SwiGLU on AVX2 equals the scalar lane-by-lane code in both llama.cpp builds' orders
    /// (16-lane vectors and the AVX-512 exp form, 8-lane and the AVX2 one), including inputs whose exp
    /// is subnormal, zero or infinite.
    @Test func swigluAgreesAcrossKernels() {
        var rng = TestRandom(seed: 7)
        let n = 1536 + 8
        var gate = (0..<n).map { _ in rng.float(in: -12...12) }
        for (i, g) in [-100, -88, -87.5, -90, 95, 100, 150, 200, -250, 0, -0.0].enumerated() { gate[i * 3] = Float(g) }
        let up = (0..<n).map { _ in rng.float(in: -3...3) }
        func run(_ level: GGUFKernels.Level, order: Int32) -> [Float] {
            GGUFKernels.select(level)
            var out = [Float](repeating: 0, count: n)
            cgguf_swiglu_ordered(gate, up, &out, Int64(n), order)
            return out
        }
        let best = GGUFKernels.best
        defer { GGUFKernels.select(best) }
        var results: [[Float]] = []
        for order in [Int32(CGGUF_ORDER_AVX512), Int32(CGGUF_ORDER_AVX2)] {
            let scalar = run(.scalar, order: order)
            let fast = run(best, order: order)
            #expect(zip(scalar, fast).allSatisfy { $0.bitPattern == $1.bitPattern }, "order \(order)")
            results.append(scalar)
        }
        var plain = [Float](repeating: 0, count: n)
        cgguf_swiglu(gate, up, &plain, Int64(n))
        #expect(plain == results[0])
        // The AVX2 build's exp form differs from the AVX-512 one in the last bit of some values.
        #expect(zip(results[0], results[1]).contains { $0.bitPattern != $1.bitPattern })
    }

    /// RMSNorm, RoPE with the cache stores and SwiGLU of a batch run on the pool, a range of tokens
    /// per thread: one thread and two give the same logits.
    @Test func perTokenStepsOnThePoolKeepTheBits() throws {
        guard let shared = try GreedyFixtureTests.model(), let path = shared.file.path else { return }
        let prompt = try #require(try GreedyFixtureTests.fixture().cases.first { $0.prompt_tokens.count >= 100 }).prompt_tokens
        let one = try LlamaModel(path: path, contextLength: 512, threads: 1)
        let batched = try shared.makeSession().evaluate(tokens: prompt)
        #expect(shared.threads == 2)
        #expect(try one.makeSession().evaluate(tokens: prompt) == batched)
    }

    /// The whole model with scalar kernels gives llama.cpp's tokens too. Lives in this
    /// serialised suite because it switches the process-wide kernel level.
    @Test func scalarKernelsGiveTheSameTokens() throws {
        guard let model = try GreedyFixtureTests.model() else { return }
        guard GGUFKernels.best == .avx2 else { return }
        let cases = try GreedyFixtureTests.fixture().cases
        let c = cases[0]
        // A prompt of 64 tokens or more takes the F32 attention path.
        let long = try #require(cases.first { $0.prompt_tokens.count >= LlamaSession.preciseAttentionThreshold })
        let fastLogits = try model.makeSession().evaluate(tokens: long.prompt_tokens)
        GGUFKernels.select(.scalar)
        defer { GGUFKernels.select(.avx2) }
        let scalar = try GreedyFixtureTests.greedy(model, prompt: c.prompt_tokens, count: 8)
        #expect(GGUFKernels.level == .scalar)
        #expect(scalar == Array(c.expected_tokens.prefix(8)))
        #expect(try model.makeSession().evaluate(tokens: long.prompt_tokens) == fastLogits)
    }
}
