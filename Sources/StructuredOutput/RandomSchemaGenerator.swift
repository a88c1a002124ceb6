/// Seeded random object schemas in the supported subset, for property tests of the grammar
/// and of constrained generation (the GGUF runtime's tests reuse it, so it lives here).
///
/// The schemas stay where the grammar and the validator agree: integers get both bounds or a
/// single-digit minimum (llama.cpp's one-sided ranges accept some out-of-range text), numbers no
/// bounds, strings a maxLength and no format. Nested objects, enums, arrays with bounds,
/// nullable types, optional properties.
public struct RandomSchemaGenerator: Sendable {
    private var random: SplitMix64
    private let maximumDepth: Int

    private static let names = [
        "id", "name", "title", "count", "score", "tags", "active", "kind", "notes", "owner", "items", "size",
        "color", "level", "label", "options", "rating", "status", "email", "city",
    ]
    private static let words = ["red", "green", "blue", "low", "medium", "high", "yes", "no", "draft", "final", "alpha", "beta"]

    public init(seed: UInt64, maximumDepth: Int = 3) {
        random = SplitMix64(seed: seed)
        self.maximumDepth = maximumDepth
    }

    /// The next schema: always an object at the top, as a structured-output request would be.
    public mutating func next() -> JSONValue {
        object(depth: 0)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &random)
    }

    private mutating func chance(_ percent: Int) -> Bool {
        int(1...100) <= percent
    }

    private mutating func object(depth: Int) -> JSONValue {
        var names = RandomSchemaGenerator.names.shuffled(using: &random)
        let count = int(1...(depth == 0 ? 5 : 3))
        var properties = JSONObject()
        var required: [JSONValue] = []
        for _ in 0..<count {
            let name = names.removeLast()
            properties[name] = property(depth: depth)
            if chance(70) { required.append(.string(name)) }
        }
        var schema = JSONObject()
        schema["type"] = "object"
        schema["properties"] = .object(properties)
        if !required.isEmpty { schema["required"] = .array(required) }
        if chance(60) { schema["additionalProperties"] = false }
        return .object(schema)
    }

    private mutating func property(depth: Int) -> JSONValue {
        let nestedAllowed = depth + 1 < maximumDepth
        switch int(0...(nestedAllowed ? 9 : 7)) {
        case 0, 1: return string()
        case 2: return integer()
        case 3: return ["type": "number"]
        case 4: return ["type": "boolean"]
        case 5: return enumeration()
        case 6: return ["type": ["string", "null"], "maxLength": .number(JSONNumber(int(1...12)))]
        case 7: return ["type": "string", "format": "uuid"]
        case 8: return array(depth: depth)
        default: return object(depth: depth + 1)
        }
    }

    private mutating func string() -> JSONValue {
        let maximum = int(1...40)
        var schema: JSONObject = JSONObject([("type", "string"), ("maxLength", .number(JSONNumber(maximum)))])
        if chance(30) { schema["minLength"] = .number(JSONNumber(int(0...min(3, maximum)))) }
        return .object(schema)
    }

    private mutating func integer() -> JSONValue {
        if chance(20) {
            return ["type": "integer", "minimum": .number(JSONNumber(int(0...9)))]
        }
        let low = int(-100...100)
        return ["type": "integer", "minimum": .number(JSONNumber(low)), "maximum": .number(JSONNumber(low + int(0...1000)))]
    }

    private mutating func enumeration() -> JSONValue {
        let values = RandomSchemaGenerator.words.shuffled(using: &random).prefix(int(2...5))
        return ["enum": .array(values.map { .string($0) })]
    }

    private mutating func array(depth: Int) -> JSONValue {
        let item: JSONValue
        switch int(0...3) {
        case 0: item = string()
        case 1: item = integer()
        case 2: item = enumeration()
        default: item = object(depth: depth + 1)
        }
        let minimum = int(0...2)
        return [
            "type": "array", "items": item, "minItems": .number(JSONNumber(minimum)),
            "maxItems": .number(JSONNumber(minimum + int(0...3))),
        ]
    }
}
