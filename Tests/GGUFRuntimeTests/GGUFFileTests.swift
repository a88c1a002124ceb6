import Testing
@testable import GGUFRuntime

@Suite struct GGUFFileTests {
    /// A small valid file with metadata of every type, a nested array and two tensors.
    static func sample() -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.add("general.architecture", .string("llama"))
        w.add("u8", .uint8(200))
        w.add("i8", .int8(-3))
        w.add("u16", .uint16(60000))
        w.add("i16", .int16(-30000))
        w.add("u32", .uint32(4_000_000_000))
        w.add("i32", .int32(-7))
        w.add("u64", .uint64(1 << 40))
        w.add("i64", .int64(-(1 << 40)))
        w.add("f32", .float32(1.5))
        w.add("f64", .float64(-2.25))
        w.add("flag", .bool(true))
        w.add("tokenizer.ggml.tokens", .array(.string, [.string("a"), .string("é"), .string("<|im_end|>")]))
        w.add("tokenizer.ggml.scores", .array(.float32, [.float32(0), .float32(-1.5), .float32(2)]))
        w.add("tokenizer.ggml.token_type", .array(.int32, [.int32(1), .int32(1), .int32(3)]))
        w.add("nested", .array(.array, [.array(.uint8, [.uint8(1), .uint8(2)]), .array(.uint8, [])]))
        w.add("general.alignment", .uint32(32))
        w.addF32Tensor("norm.weight", dimensions: [4], values: [1, 2, 3, 4])
        w.addTensor("w.weight", dimensions: [32, 2], type: 8, data: Array(repeating: 0, count: 68))
        return w
    }

    @Test func readsHeaderMetadataAndTensors() throws {
        var w = Self.sample()
        let file = try GGUFFile(bytes: w.bytes())
        #expect(file.version == 3)
        #expect(file.architecture == "llama")
        let m = file.metadata
        #expect(m.keys.first == "general.architecture")
        #expect(m.int("u8") == 200)
        #expect(m.int("i8") == -3)
        #expect(m.int("u16") == 60000)
        #expect(m.int("i16") == -30000)
        #expect(m.uint32("u32") == 4_000_000_000)
        #expect(m.int32("u32") == nil)
        #expect(m.int32("i32") == -7)
        #expect(m.int("u64") == 1 << 40)
        #expect(m.int("i64") == -(1 << 40))
        #expect(m.float("f32") == 1.5)
        #expect(m.float("f64") == -2.25)
        #expect(m.bool("flag") == true)
        #expect(m.string("flag") == nil)
        #expect(m.stringArray("tokenizer.ggml.tokens") == ["a", "é", "<|im_end|>"])
        #expect(m.floatArray("tokenizer.ggml.scores") == [0, -1.5, 2])
        #expect(m.int32Array("tokenizer.ggml.token_type") == [1, 1, 3])
        #expect(m["nested"] == .array(.array, [.array(.uint8, [.uint8(1), .uint8(2)]), .array(.uint8, [])]))
        #expect(file.alignment == 32)
        #expect(file.dataOffset % 32 == 0)
        #expect(file.tensors.map(\.name) == ["norm.weight", "w.weight"])
        let norm = try #require(file.tensor(named: "norm.weight"))
        #expect(norm.type == .f32)
        #expect(norm.byteCount == 16)
        let floats = file.data(of: norm).withMemoryRebound(to: Float.self) { Array($0) }
        #expect(floats == [1, 2, 3, 4])
        let q = try #require(file.tensor(named: "w.weight"))
        #expect(q.type == .q8_0)
        #expect(q.dimensions == [32, 2])
        #expect(q.offset == 32)
        #expect(q.byteCount == 68)
    }

    @Test func readsVersion2() throws {
        var w = Self.sample()
        w.version = 2
        #expect(try GGUFFile(bytes: w.bytes()).version == 2)
    }

    @Test func honoursCustomAlignment() throws {
        var w = GGUFTestWriter()
        w.alignment = 64
        w.add("general.alignment", .uint32(64))
        w.addF32Tensor("a", dimensions: [3], values: [1, 2, 3])
        w.addF32Tensor("b", dimensions: [1], values: [9])
        let file = try GGUFFile(bytes: w.bytes())
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensor(named: "b")?.offset == 64)
    }

    @Test func rejectsWrongMagicAndVersions() throws {
        var w = Self.sample()
        var bytes = w.bytes()
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: GGUFError.notGGUF(path: "input")) { try GGUFFile(bytes: bytes) }
        #expect(throws: GGUFError.notGGUF(path: "input")) { try GGUFFile(bytes: []) }
        w.version = 1
        #expect(throws: GGUFError.unsupportedVersion(1)) { try GGUFFile(bytes: w.bytes()) }
    }

    @Test func rejectsUnknownTypesNamingThem() throws {
        var w = GGUFTestWriter()
        w.addTensor("odd.weight", dimensions: [32], type: 99, data: Array(repeating: 0, count: 64))
        #expect(throws: GGUFError.unknownTensorType(99, tensor: "odd.weight")) { try GGUFFile(bytes: w.bytes()) }
        let error = GGUFError.unknownTensorType(99, tensor: "odd.weight")
        #expect(error.description.contains("odd.weight"))
        #expect(!error.description.contains("\n"))
    }

    @Test func rejectsTensorPastTheEnd() throws {
        var w = GGUFTestWriter()
        w.addF32Tensor("t", dimensions: [8], values: [1, 2, 3, 4, 5, 6, 7, 8])
        let bytes = w.bytes()
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: Array(bytes.dropLast(4))) }
    }

    @Test func rejectsHugeCountsWithoutAllocating() throws {
        // A string array claiming 2^62 elements in a file of a few dozen bytes.
        var bytes: [UInt8] = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(0)) + le(UInt64(1))
        bytes += le(UInt64(1)) + [UInt8(ascii: "k")] + le(UInt32(9)) + le(UInt32(8)) + le(UInt64(1) << 62)
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        // A tensor count far beyond the file.
        let tensors: [UInt8] = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64.max) + le(UInt64(0))
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: tensors) }
    }

    @Test func rejectsMisalignedAndOverflowingTensorInfos() throws {
        var bytes: [UInt8] = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(1)) + le(UInt64(0))
        bytes += le(UInt64(1)) + [UInt8(ascii: "t")] + le(UInt32(2)) + le(UInt64(1) << 40) + le(UInt64(1) << 40)
        bytes += le(UInt32(0)) + le(UInt64(0))
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        var misaligned: [UInt8] = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(1)) + le(UInt64(0))
        misaligned += le(UInt64(1)) + [UInt8(ascii: "t")] + le(UInt32(1)) + le(UInt64(1)) + le(UInt32(0)) + le(UInt64(3))
        misaligned += Array(repeating: 0, count: 64)
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: misaligned) }
    }

    @Test func everyTruncationFailsCleanly() throws {
        var w = Self.sample()
        let bytes = w.bytes()
        for length in 0..<bytes.count {
            #expect(throws: GGUFError.self) { try GGUFFile(bytes: Array(bytes.prefix(length))) }
        }
        #expect(try GGUFFile(bytes: bytes).tensors.count == 2)
    }

    @Test func randomMutationsNeverCrash() throws {
        var w = Self.sample()
        let original = w.bytes()
        let headerEnd = w.headerEnd
        var rng = TestRandom(seed: 0x5EED)
        var parsed = 0, rejected = 0
        for _ in 0..<5000 {
            var bytes = original
            let edits = 1 + Int(rng.next() % 4)
            for _ in 0..<edits {
                let at = Int(rng.next() % UInt64(headerEnd))
                switch rng.next() % 4 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[at] ^= 1 << UInt8(rng.next() % 8)
                case 2: bytes[at] = 0xFF
                default: bytes[at] = bytes[at] &+ 1
                }
            }
            do {
                let file = try GGUFFile(bytes: bytes)
                for tensor in file.tensors { _ = file.data(of: tensor).reduce(0, &+) }
                parsed += 1
            } catch is GGUFError {
                rejected += 1
            }
        }
        #expect(parsed + rejected == 5000)
        #expect(rejected > 0)
    }
}

/// A seeded generator for reproducible test data.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func float(in range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * Float(next() >> 40) / Float(1 << 24)
    }
}
