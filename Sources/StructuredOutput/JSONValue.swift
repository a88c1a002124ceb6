import Foundation

/// A JSON value that keeps the order of object keys.
///
/// Key order matters here: a schema's property order decides the order in which a constrained
/// model writes them, and Foundation's JSONSerialization loses it on Linux.
///
/// Equality is JSON equality: numbers compare by value (`1 == 1.0`) and objects compare as sets
/// of members, whatever their order. Compare `JSONObject.keys` when the order itself matters.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Parses strict RFC 8259 JSON: no trailing text, no lone surrogates, no duplicate keys
    /// (an error, not "last wins"), at most `maximumDepth` nested arrays and objects and
    /// `maximumBytes` of UTF-8. Throws `JSONParseError`.
    public static func parse(
        _ text: String, maximumDepth: Int = 128, maximumBytes: Int = 16 * 1024 * 1024
    ) throws -> JSONValue {
        var parser = JSONParser(text: text, maximumDepth: maximumDepth, maximumBytes: maximumBytes)
        return try parser.parseDocument()
    }

    /// A short name of the value's kind, for messages: "null", "boolean", "integer", "number", ...
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isIntegral ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The member `key` of an object, nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Compact text: no whitespace, keys in order, numbers in canonical form (see `JSONNumber`).
    /// The same text as nlohmann::json's `dump()`, which is what llama.cpp's converter writes
    /// into its grammars for `const` and `enum`.
    public var serialized: String {
        var writer = JSONWriter(indent: nil)
        writer.write(self)
        return writer.output
    }

    /// Indented with two spaces, keys in order.
    public var prettyPrinted: String {
        var writer = JSONWriter(indent: 2)
        writer.write(self)
        return writer.output
    }
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Keeps the literal's order; a repeated key keeps its first place and its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized }
}
