import Foundation
import ParleyTestThreads
import Testing

@testable import StructuredOutput

/// Compares our grammars with those of llama.cpp's own converter, when one is at hand.
///
/// Set LLAMA_SCHEMA_CONVERTER to a program that reads one JSON schema per line on standard input
/// and writes, for each, llama.cpp's `json_schema_to_grammar` output (or a line starting with
/// ERROR) followed by a line `@@END`. Without it these tests do not run: the suite never needs
/// llama.cpp. With it, for each schema, text sampled from either grammar must be accepted by the
/// other, and the case table's texts must get the same verdict from both.
@Suite(
    "Cross-check with llama.cpp's converter", .heavy,
    .enabled(if: ProcessInfo.processInfo.environment["LLAMA_SCHEMA_CONVERTER"] != nil))
struct ConverterCrossCheckTests {
    static var converter: String { ProcessInfo.processInfo.environment["LLAMA_SCHEMA_CONVERTER"] ?? "" }

    /// llama.cpp's grammar for each schema, nil where it reports an error.
    static func theirGrammars(_ schemas: [JSONValue]) throws -> [String?] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Write from another thread: with many schemas both pipes fill, and one thread would wait forever.
        let lines = Data((schemas.map(\.serialized).joined(separator: "\n") + "\n").utf8)
        let writer = input.fileHandleForWriting
        let writing = Thread {
            writer.write(lines)
            try? writer.close()
        }
        writing.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let blocks = String(decoding: data, as: UTF8.self).components(separatedBy: "@@END\n").dropLast()
        return blocks.map { $0.hasPrefix("ERROR") ? nil : $0 }
    }

    /// Samples from each grammar must be accepted by the other; returns what went wrong.
    static func compare(_ schema: JSONValue, ours: String, theirs: String, seed: UInt64, extra: [String] = []) throws -> [String] {
        let mine = try GBNFGrammar(ours), other = try GBNFGrammar(theirs)
        var random = SplitMix64(seed: seed)
        var problems: [String] = []
        for _ in 0..<25 {
            if let s = other.sample(using: &random), !mine.accepts(s) { problems.append("ours refuses llama's \(s.debugDescription)") }
            if let s = mine.sample(using: &random), !other.accepts(s) { problems.append("llama refuses our \(s.debugDescription)") }
        }
        for text in extra where mine.accepts(text) != other.accepts(text) {
            problems.append("\(text.debugDescription): ours \(mine.accepts(text)), llama \(other.accepts(text))")
        }
        return problems.map { "\(schema.serialized): \($0)" }
    }

    static let integerProbes: [String] =
        (-1100...1100).map(String.init) + [2024, 2025, 9999, 10000, 123_456, -123_456].map(String.init)
        + ["-0", "00", "-00", "05", "-05", "010", "-010", "0100", "-0100", "1.0", "1e2"]

    @Test func caseTableMatches() throws {
        let cases = GrammarCases.all
        let schemas = try cases.map { try JSONValue.parse($0.schema) }
        let theirs = try Self.theirGrammars(schemas)
        #expect(theirs.count == cases.count)
        for (i, testCase) in cases.enumerated() {
            let ours = try JSONSchema(schemas[i]).gbnf()
            let other = try #require(theirs[i], "llama.cpp refused \(testCase.name)")
            let problems = try Self.compare(
                schemas[i], ours: ours, theirs: other, seed: UInt64(i), extra: testCase.accepts + testCase.rejects)
            #expect(problems.isEmpty, "\(testCase.name)\n\(problems.joined(separator: "\n"))")
        }
    }

    @Test func randomSchemasMatch() throws {
        var plain = RandomSchemaGenerator(seed: 1)
        var wild = WildSchemaGenerator(seed: 2)
        let wildCount = Int(ProcessInfo.processInfo.environment["LLAMA_CROSS_CHECK_COUNT"] ?? "") ?? 300
        let schemas = (0..<100).map { _ in plain.next() } + (0..<wildCount).map { _ in wild.next() }
        let theirs = try Self.theirGrammars(schemas)
        var failures: [String] = []
        for (i, schema) in schemas.enumerated() {
            let ours: String
            do {
                ours = try JSONSchema(schema).gbnf()
            } catch let error as JSONSchemaError where error.reason.hasPrefix("no integer lies between") {
                continue  // an empty range: llama.cpp writes a grammar of digits that means nothing
            } catch {
                failures.append("\(schema.serialized): ours failed: \(error)")
                continue
            }
            guard let other = theirs[i] else {
                failures.append("\(schema.serialized): llama.cpp failed")
                continue
            }
            // Integer ranges are where llama.cpp's construction is quirkiest: probe them densely.
            let probes = schema["type"] == "integer" ? Self.integerProbes : []
            failures += try Self.compare(schema, ours: ours, theirs: other, seed: UInt64(i), extra: probes)
        }
        #expect(failures.isEmpty, "\(failures.count) problems:\n\(failures.prefix(20).joined(separator: "\n"))")
    }
}

/// Schemas aimed at the corners of llama.cpp's conversion: one-sided integer bounds, optional
/// and additional properties with names sharing prefixes, patterns, unions, type lists, consts.
struct WildSchemaGenerator {
    private var random: SplitMix64
    private static let names = ["a", "ab", "abc", "b", "ba", "x-y", "x_y", "é", "key", "keys", "k"]
    private static let patterns = [
        "^[a-z]+$", "^ab\\.?c*$", "^(foo|bar)+baz?$", "^[0-9]{2,4}-x{1,}$", "^(?:a|bc){0,3}d$", "^.a.$", "^\"q\"$",
        "^[^a-c]{1,3}$", "^x(y(z)?)?$", "^a{2}b{0,2}$", "^\\x41\\u00e9[\\x30-\\x39]$",
    ]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func next() -> JSONValue { schema(depth: 0) }

    private mutating func number() -> JSONValue {
        [JSONValue](arrayLiteral: 0, 1, 9, 10, 25, 99, 100, 101, 120, 1000, 2024, -1, -5, -10, -99, -100, -123, 7.5, -2.5)
            .randomElement(using: &random)!
    }

    private mutating func schema(depth: Int) -> JSONValue {
        switch int(0...(depth < 2 ? 11 : 7)) {
        case 0:
            var s: JSONObject = JSONObject([("type", "integer")])
            for keyword in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"].shuffled(using: &random).prefix(int(1...2)) {
                s[keyword] = number()
            }
            if let low = s["minimum"]?.numberValue, let high = s["maximum"]?.numberValue, low.compare(high) == .greater {
                s["maximum"] = nil
            }
            return .object(s)
        case 1:
            var s: JSONObject = JSONObject([("type", "string")])
            if int(0...1) == 0 { s["minLength"] = .number(JSONNumber(int(0...3))) }
            s["maxLength"] = .number(JSONNumber(int(3...6)))
            return .object(s)
        case 2: return ["type": "string", "pattern": .string(Self.patterns.randomElement(using: &random)!)]
        case 3: return ["type": "string", "format": .string(["date", "time", "date-time", "uuid"].randomElement(using: &random)!)]
        case 4: return ["enum": ["a", 1.5, 1e300, -0.0, ["k": [1]], nil, "q\"\\\n"]]
        case 5: return ["const": ["z": 2.50, "y": "é"]]
        case 6: return ["type": ["number", "boolean", "null"].shuffled(using: &random).prefix(2).map { .string($0) }.asArray]
        case 7: return ["type": "number"]
        case 8, 9:
            var names = Self.names.shuffled(using: &random)
            var properties = JSONObject()
            var required: [JSONValue] = []
            for _ in 0..<int(1...4) {
                let name = names.removeLast()
                properties[name] = schema(depth: depth + 1)
                if int(0...2) == 0 { required.append(.string(name)) }
            }
            var s = JSONObject([("type", "object"), ("properties", .object(properties)), ("required", .array(required))])
            switch int(0...3) {
            case 0: s["additionalProperties"] = false
            case 1: s["additionalProperties"] = true
            case 2: s["additionalProperties"] = schema(depth: depth + 1)
            default: break
            }
            return .object(s)
        case 10:
            let minimum = int(0...2)
            return ["type": "array", "items": schema(depth: depth + 1), "minItems": .number(JSONNumber(minimum)),
                    "maxItems": .number(JSONNumber(minimum + int(0...2)))]
        default:
            return [int(0...1) == 0 ? "anyOf" : "oneOf": [schema(depth: depth + 1), schema(depth: depth + 1)]]
        }
    }
}

extension Array where Element == JSONValue {
    fileprivate var asArray: JSONValue { .array(self) }
}
