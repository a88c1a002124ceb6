import Foundation
import Testing
@testable import GGUFRuntime

/// Test-only access to the default model's tokenizer: a minimal GGUF metadata reader that pulls
/// out just the `tokenizer.*` keys. (The runtime's real GGUF reader replaces it at merge time.)
///
/// The model is found through `PARLEY_TEST_MODEL`, else `Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf`
/// under the package root. When it is missing, tests that need it fail with the command to fetch
/// it, unless `PARLEY_ALLOW_MISSING_MODEL=1`.
enum TokenizerTestModel {
    struct Loaded: Sendable {
        let configuration: TokenizerConfiguration
        let chatTemplate: String?
        let tokenizer: Tokenizer
    }

    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelPath: String {
        if let path = ProcessInfo.processInfo.environment["PARLEY_TEST_MODEL"], !path.isEmpty { return path }
        return packageRoot.appendingPathComponent("Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }

    static var missingModelAllowed: Bool {
        ProcessInfo.processInfo.environment["PARLEY_ALLOW_MISSING_MODEL"] == "1"
    }

    static let fetchHint = "fetch it with scripts/fetch-model.sh (or set PARLEY_TEST_MODEL to a copy; PARLEY_ALLOW_MISSING_MODEL=1 lets these tests pass without it)"

    private static let cached: Result<Loaded, Error>? = {
        guard FileManager.default.fileExists(atPath: modelPath) else { return nil }
        return Result { try load(path: modelPath) }
    }()

    /// The default model's tokenizer, or nil when the model is absent and that is allowed.
    /// Records a test failure naming the fetch command when it is absent and not allowed.
    static func loaded(sourceLocation: SourceLocation = #_sourceLocation) throws -> Loaded? {
        guard let cached else {
            if !missingModelAllowed {
                Issue.record("default model missing at \(modelPath); \(fetchHint)", sourceLocation: sourceLocation)
            }
            return nil
        }
        return try cached.get()
    }

    // MARK: - Minimal GGUF metadata reading

    enum Value {
        case integer(Int64)
        case float(Double)
        case bool(Bool)
        case string(String)
        case array([Value])
    }

    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    static func load(path: String) throws -> Loaded {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        let metadata = try readMetadata(data)
        func strings(_ key: String) -> [String]? {
            guard case .array(let items)? = metadata[key] else { return nil }
            return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        }
        func int(_ key: String) -> Int32? {
            if case .integer(let v)? = metadata[key] { return Int32(truncatingIfNeeded: v) }
            return nil
        }
        func bool(_ key: String) -> Bool? {
            if case .bool(let v)? = metadata[key] { return v }
            return nil
        }
        func string(_ key: String) -> String? {
            if case .string(let v)? = metadata[key] { return v }
            return nil
        }
        var scores: [Float]?
        if case .array(let items)? = metadata["tokenizer.ggml.scores"] {
            scores = items.map { if case .float(let f) = $0 { return Float(f) } else { return 0 } }
        }
        var types: [Int32]?
        if case .array(let items)? = metadata["tokenizer.ggml.token_type"] {
            types = items.map { if case .integer(let i) = $0 { return Int32(truncatingIfNeeded: i) } else { return 0 } }
        }
        let configuration = TokenizerConfiguration(
            model: string("tokenizer.ggml.model") ?? "",
            pre: string("tokenizer.ggml.pre"),
            tokens: strings("tokenizer.ggml.tokens") ?? [],
            scores: scores,
            tokenTypes: types,
            merges: strings("tokenizer.ggml.merges"),
            bosID: int("tokenizer.ggml.bos_token_id"),
            eosID: int("tokenizer.ggml.eos_token_id"),
            eotID: int("tokenizer.ggml.eot_token_id"),
            unknownID: int("tokenizer.ggml.unknown_token_id"),
            paddingID: int("tokenizer.ggml.padding_token_id"),
            addBOS: bool("tokenizer.ggml.add_bos_token"),
            addEOS: bool("tokenizer.ggml.add_eos_token"),
            addSpacePrefix: bool("tokenizer.ggml.add_space_prefix"))
        return Loaded(configuration: configuration, chatTemplate: string("tokenizer.chat_template"),
                      tokenizer: try Tokenizer(configuration))
    }

    /// Reads every metadata key whose name starts with `tokenizer.` (others are skipped).
    static func readMetadata(_ data: Data) throws -> [String: Value] {
        var cursor = Cursor(data: data)
        guard try cursor.bytes(4) == Array("GGUF".utf8) else { throw ReadError(description: "not a GGUF file") }
        let version = try cursor.u32()
        guard version == 2 || version == 3 else { throw ReadError(description: "GGUF version \(version)") }
        _ = try cursor.u64()  // tensor count
        let count = try cursor.u64()
        var result: [String: Value] = [:]
        for _ in 0..<count {
            let key = try cursor.string()
            let type = try cursor.u32()
            let keep = key.hasPrefix("tokenizer.")
            let value = try cursor.value(type: type, keep: keep)
            if keep, let value { result[key] = value }
        }
        return result
    }

    struct Cursor {
        let data: Data
        var offset = 0

        mutating func bytes(_ n: Int) throws -> [UInt8] {
            guard n >= 0, offset + n <= data.count else { throw ReadError(description: "truncated") }
            defer { offset += n }
            let start = data.startIndex + offset
            return [UInt8](data[start..<(start + n)])
        }

        mutating func skip(_ n: Int) throws {
            guard n >= 0, offset + n <= data.count else { throw ReadError(description: "truncated") }
            offset += n
        }

        mutating func little<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let raw = try bytes(MemoryLayout<T>.size)
            var value: T = 0
            for (i, byte) in raw.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * i) }
            return value
        }

        mutating func u32() throws -> UInt32 { try little(UInt32.self) }
        mutating func u64() throws -> UInt64 { try little(UInt64.self) }

        mutating func string() throws -> String {
            let length = try u64()
            guard length < UInt64(data.count) else { throw ReadError(description: "bad string length") }
            return String(decoding: try bytes(Int(length)), as: UTF8.self)
        }

        mutating func value(type: UInt32, keep: Bool) throws -> Value? {
            switch type {
            case 0: return .integer(Int64(try little(UInt8.self)))
            case 1: return .integer(Int64(try little(Int8.self)))
            case 2: return .integer(Int64(try little(UInt16.self)))
            case 3: return .integer(Int64(try little(Int16.self)))
            case 4: return .integer(Int64(try little(UInt32.self)))
            case 5: return .integer(Int64(try little(Int32.self)))
            case 6: return .float(Double(Float(bitPattern: try u32())))
            case 7: return .bool(try little(UInt8.self) != 0)
            case 8:
                if keep { return .string(try string()) }
                let length = try u64()
                try skip(Int(clamping: length))
                return nil
            case 9:
                let itemType = try u32()
                let count = try u64()
                guard count < UInt64(data.count) else { throw ReadError(description: "bad array length") }
                if !keep {
                    for _ in 0..<count { _ = try value(type: itemType, keep: false) }
                    return nil
                }
                var items: [Value] = []
                items.reserveCapacity(Int(count))
                for _ in 0..<count {
                    if let item = try value(type: itemType, keep: true) { items.append(item) }
                }
                return .array(items)
            case 10: return .integer(Int64(bitPattern: try u64()))
            case 11: return .integer(try little(Int64.self))
            case 12: return .float(Double(bitPattern: try u64()))
            default: throw ReadError(description: "unknown metadata type \(type)")
            }
        }
    }
}
