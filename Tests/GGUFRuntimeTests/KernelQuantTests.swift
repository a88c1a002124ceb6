import CGGUFKernels
import Testing
@testable import GGUFRuntime

/// Q5_0 / Q5_1 and the k-quant integer dots against Q8_K, on hand-made blocks whose
/// results are small integers (exact in float), so any error in bit layout, offset or
/// scale placement shows as a wrong value. Part of the serialised kernel suite.
extension KernelTests {
    /// Element j of the test's Q5 blocks: low nibble j % 16 pattern, fifth bit from qh.
    static let q5Nibbles: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8((j * 5) % 16) | (UInt8((j * 3 + 7) % 16) << 4) }
    static let q5High: UInt32 = 0b1011_0010_0111_0001_1100_1010_0101_0011

    static func q5Values() -> [Int] {
        (0..<32).map { (e: Int) -> Int in
            let nibble = e < 16 ? Int(q5Nibbles[e] & 0xF) : Int(q5Nibbles[e - 16] >> 4)
            return nibble | Int((q5High >> UInt32(e)) & 1) << 4
        }
    }

    @Test func dequantizesQ5_0() {
        let out = Self.dequantize(.q5_0, f16Bytes(0.5) + le(Self.q5High) + Self.q5Nibbles, count: 32)
        #expect(out == Self.q5Values().map { Float($0 - 16) * 0.5 })
        // By hand: 0 | 16 -> 0; 5 | 16 -> 5; 10 -> -6; element 16: 7 | 16 -> 7 (times 0.5).
        #expect(out[0] == 0 && out[1] == 2.5 && out[2] == -3 && out[16] == 3.5)
    }

    @Test func dequantizesQ5_1() {
        let out = Self.dequantize(.q5_1, f16Bytes(0.25) + f16Bytes(-2) + le(Self.q5High) + Self.q5Nibbles, count: 32)
        #expect(out == Self.q5Values().map { Float($0) * 0.25 - 2 })
    }

    /// Activations -16 ... 15 (as Q8 values with scale 1).
    static let activation: [Int8] = (0..<32).map { (e: Int) -> Int8 in Int8((e * 7) % 32 - 16) }

    @Test func dotsQ5_0WithQ8_0Exactly() {
        let x = f16Bytes(1) + le(Self.q5High) + Self.q5Nibbles
        let y = f16Bytes(1) + Self.activation.map { UInt8(bitPattern: $0) }
        let expected = zip(Self.q5Values(), Self.activation).reduce(0) { $0 + ($1.0 - 16) * Int($1.1) }
        for level in [GGUFKernels.Level.scalar, GGUFKernels.best] {
            GGUFKernels.select(level)
            let got = x.withUnsafeBytes { xb in y.withUnsafeBytes { cgguf_dot_q5_0_q8_0(32, xb.baseAddress, $0.baseAddress) } }
            #expect(got == Float(expected), "\(level)")
        }
        GGUFKernels.select(GGUFKernels.best)
    }

    @Test func dotsQ5_1WithQ8_1Exactly() {
        // d = 0.5, m = -1; activation scale 1 and sum s: result = 0.5 * sum(q * y) - s.
        let x = f16Bytes(0.5) + f16Bytes(-1) + le(Self.q5High) + Self.q5Nibbles
        let s = Self.activation.reduce(0) { $0 + Int($1) }
        let y = f16Bytes(1) + f16Bytes(Float(s)) + Self.activation.map { UInt8(bitPattern: $0) }
        let products = zip(Self.q5Values(), Self.activation).reduce(0) { $0 + $1.0 * Int($1.1) }
        for level in [GGUFKernels.Level.scalar, GGUFKernels.best] {
            GGUFKernels.select(level)
            let got = x.withUnsafeBytes { xb in y.withUnsafeBytes { cgguf_dot_q5_1_q8_1(32, xb.baseAddress, $0.baseAddress) } }
            #expect(got == 0.5 * Float(products) - Float(s), "\(level)")
        }
        GGUFKernels.select(GGUFKernels.best)
    }

    @Test func quantizesQ8_KLikeLlamaCpp() {
        // The largest magnitude is -127 at index 5: iscale = 1, d = 1, values unchanged
        // except 2.5 -> 2 (ties to even); sums over each 16.
        var x = [Float](repeating: 0, count: 256)
        for i in 0..<256 { x[i] = Float((i * 13) % 41 - 20) }
        x[5] = -127
        x[6] = 2.5
        var block = [UInt8](repeating: 0, count: 292)
        x.withUnsafeBufferPointer { src in block.withUnsafeMutableBytes { cgguf_quantize_q8_k(src.baseAddress, $0.baseAddress, 256) } }
        let d = block[0..<4].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
        #expect(d == 1)
        let qs = block[4..<260].map { Int8(bitPattern: $0) }
        var expected = x.map { Int8($0) }
        expected[6] = 2
        #expect(qs == expected)
        for g in 0..<16 {
            let sum = block[(260 + 2 * g)..<(262 + 2 * g)].withUnsafeBytes { $0.loadUnaligned(as: Int16.self) }
            #expect(Int(sum) == qs[(16 * g)..<(16 * g + 16)].reduce(0) { $0 + Int($1) })
        }
        // A largest magnitude that is positive maps to -127 (llama.cpp's sign convention).
        var y = [Float](repeating: 1, count: 256)
        y[0] = 254
        y.withUnsafeBufferPointer { src in block.withUnsafeMutableBytes { cgguf_quantize_q8_k(src.baseAddress, $0.baseAddress, 256) } }
        #expect(Int8(bitPattern: block[4]) == -127)
        #expect(block[0..<4].withUnsafeBytes { $0.loadUnaligned(as: Float.self) } == -2)
    }

    /// The vector Q8_K quantisation gives the scalar bytes: random blocks, ties of magnitude
    /// (the first wins, whatever its sign), an all-zero block and one with an infinity.
    @Test func quantizesQ8_KAlikeOnBothKernelLevels() {
        var rng = TestRandom(seed: 4242)
        var x = (0..<(256 * 6)).map { _ in rng.float(in: -4...4) }
        x[256 + 17] = 9; x[256 + 3] = -9; x[256 + 200] = 9
        x[512 + 40] = 7; x[512 + 41] = -7
        for i in 768..<1024 { x[i] = 0 }
        x[1024 + 9] = .infinity
        func quantize(_ level: GGUFKernels.Level) -> [UInt8] {
            GGUFKernels.select(level)
            var out = [UInt8](repeating: 0, count: 6 * 292)
            x.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { cgguf_quantize_q8_k(src.baseAddress, $0.baseAddress, 256 * 6) } }
            return out
        }
        defer { GGUFKernels.select(GGUFKernels.best) }
        let scalar = quantize(.scalar)
        #expect(quantize(GGUFKernels.best) == scalar)
        #expect(Int8(bitPattern: scalar[292 + 4 + 3]) == -127, "the first of the tied magnitudes sets the sign")
    }

    /// Integer activations in -15 ... 15 plus one -127, so Q8_K holds them exactly (d = 1)
    /// and every sum stays far below 2^24 (exact in float).
    static func integerActivations(seed: UInt64) -> [Float] {
        var rng = TestRandom(seed: seed)
        var x = (0..<256).map { _ in Float(Int(rng.next() % 31) - 15) }
        x[17] = -127
        return x
    }

    /// dot(weights, Q8_K(x)) at both kernel levels equals the exact integer sum of the
    /// dequantised weights (integers by construction) times x.
    func expectExactKQuantDot(_ type: GGUFTensorType, _ block: [UInt8],
                              _ dot: (Int64, UnsafeRawPointer?, UnsafeRawPointer?) -> Float) {
        let x = Self.integerActivations(seed: UInt64(type.rawValue))
        let w = Self.dequantize(type, block, count: 256)
        #expect(w.allSatisfy { $0 == $0.rounded() })
        let expected = zip(w, x).reduce(0) { $0 + Int($1.0) * Int($1.1) }
        var q8 = [UInt8](repeating: 0, count: 292)
        x.withUnsafeBufferPointer { src in q8.withUnsafeMutableBytes { cgguf_quantize_q8_k(src.baseAddress, $0.baseAddress, 256) } }
        for level in [GGUFKernels.Level.scalar, GGUFKernels.best] {
            GGUFKernels.select(level)
            let got = block.withUnsafeBytes { xb in q8.withUnsafeBytes { dot(256, xb.baseAddress, $0.baseAddress) } }
            #expect(got == Float(expected), "\(type) \(level)")
        }
        GGUFKernels.select(GGUFKernels.best)
    }

    static func k4Scales(_ sc: [UInt8], _ mn: [UInt8]) -> [UInt8] {
        var scales = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            scales[j] = sc[j] | ((sc[j + 4] >> 4) << 6)
            scales[j + 4] = mn[j] | ((mn[j + 4] >> 4) << 6)
            scales[j + 8] = (sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4)
        }
        return scales
    }

    @Test func dotsQ4_KWithQ8_KExactly() {
        let scales = Self.k4Scales([1, 2, 3, 63, 17, 6, 40, 8], [0, 5, 2, 3, 33, 5, 6, 62])
        let qs: [UInt8] = (0..<128).map { (j: Int) -> UInt8 in UInt8((j * 37 + 11) % 256) }
        expectExactKQuantDot(.q4_K, f16Bytes(1) + f16Bytes(1) + scales + qs, cgguf_dot_q4_k_q8_k)
    }

    @Test func dotsQ5_KWithQ8_KExactly() {
        let scales = Self.k4Scales([3, 1, 4, 1, 5, 59, 2, 6], [2, 7, 1, 8, 2, 8, 45, 8])
        let qh: [UInt8] = (0..<32).map { (j: Int) -> UInt8 in UInt8((j * 37) % 256) }
        let ql: [UInt8] = (0..<128).map { (j: Int) -> UInt8 in UInt8((j * 11) % 256) }
        expectExactKQuantDot(.q5_K, f16Bytes(1) + f16Bytes(1) + scales + qh + ql, cgguf_dot_q5_k_q8_k)
    }

    @Test func dotsQ6_KWithQ8_KExactly() {
        let ql: [UInt8] = (0..<128).map { (j: Int) -> UInt8 in UInt8((j * 29) % 256) }
        let qh: [UInt8] = (0..<64).map { (j: Int) -> UInt8 in UInt8((j * 53) % 256) }
        let scales: [Int8] = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -128, 15, 127]
        expectExactKQuantDot(.q6_K, ql + qh + scales.map { UInt8(bitPattern: $0) } + f16Bytes(1), cgguf_dot_q6_k_q8_k)
    }
}
