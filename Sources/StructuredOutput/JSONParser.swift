/// A strict RFC 8259 parser that keeps object key order.
///
/// Strict on purpose: it checks model output and schemas, where leniency would hide mistakes.
/// It rejects trailing text, lone surrogates, control characters in strings, leading zeros and
/// duplicate keys (an object with a repeated key has no single meaning, and a schema with one
/// is almost certainly a mistake). Nesting and size are capped so hostile input cannot exhaust
/// the stack or memory.
struct JSONParser {
    static let defaultMaximumDepth = 128
    static let defaultMaximumBytes = 16 * 1024 * 1024

    private let bytes: [UInt8]
    private let maximumDepth: Int
    private let maximumBytes: Int
    private var index = 0
    private var depth = 0

    init(text: String, maximumDepth: Int = defaultMaximumDepth, maximumBytes: Int = defaultMaximumBytes) {
        bytes = Array(text.utf8)
        self.maximumDepth = maximumDepth
        self.maximumBytes = maximumBytes
    }

    mutating func parseDocument() throws -> JSONValue {
        guard bytes.count <= maximumBytes else {
            throw JSONParseError(line: 1, column: 1, message: "input is \(bytes.count) bytes, more than the limit of \(maximumBytes)")
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected text after the value") }
        return value
    }

    private mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseWord("true", .bool(true))
        case UInt8(ascii: "f"): return try parseWord("false", .bool(false))
        case UInt8(ascii: "n"): return try parseWord("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("expected a value")
        }
    }

    private mutating func parseWord(_ word: String, _ value: JSONValue) throws -> JSONValue {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw failure("expected a value") }
            index += 1
        }
        return value
    }

    private mutating func enter() throws {
        depth += 1
        if depth > maximumDepth { throw failure("nesting deeper than \(maximumDepth) levels") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        while true {
            guard index < bytes.count else { throw failure("unexpected end of input, expected a string key") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyStart = index
            let key = try parseString()
            if object.contains(key) {
                index = keyStart
                throw failure("duplicate key \(JSONValue.string(key).serialized)")
            }
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input, expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(object)
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input, expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(elements)
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws -> String {
        index += 1  // the opening quote
        var buffer: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("unexpected end of input in a string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0..<0x20:
                throw failure("unescaped control character U+\(hex4(UInt32(byte))) in a string")
            default:
                buffer.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws {
        guard index + 1 < bytes.count else { throw failure("unexpected end of input in an escape") }
        let simple: UInt8?
        switch bytes[index + 1] {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default: throw failure("invalid escape")
        }
        if let simple {
            buffer.append(simple)
            index += 2
            return
        }
        let escapeStart = index
        let unit = try parseHex4(at: index + 2)
        index += 6
        var scalarValue = unit
        if (0xD800...0xDBFF).contains(unit) {
            // A high surrogate counts only with the low one that must follow it.
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                let low = try? parseHex4(at: index + 2), (0xDC00...0xDFFF).contains(low)
            else {
                index = escapeStart
                throw failure("lone surrogate \\u\(hex4(unit).lowercased())")
            }
            index += 6
            scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            index = escapeStart
            throw failure("lone surrogate \\u\(hex4(unit).lowercased())")
        }
        buffer.append(contentsOf: Array(String(Character(Unicode.Scalar(scalarValue)!)).utf8))
    }

    private mutating func parseHex4(at position: Int) throws -> UInt32 {
        guard position + 4 <= bytes.count else {
            index = bytes.count
            throw failure("unexpected end of input in a \\u escape")
        }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default:
                index = position + offset
                throw failure("expected 4 hex digits after \\u")
            }
            value = value * 16 + digit
        }
        return value
    }

    private mutating func parseNumber() throws -> JSONNumber {
        let start = index
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { throw failure("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(index) { throw failure("leading zero in a number") }
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { throw failure("expected a digit after '.'") }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw failure("expected a digit in the exponent") }
            while isDigit(index) { index += 1 }
        }
        return JSONNumber(validatedLiteral: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func expect(_ character: Character) throws {
        guard index < bytes.count else { throw failure("unexpected end of input, expected '\(character)'") }
        guard bytes[index] == character.asciiValue! else { throw failure("expected '\(character)'") }
        index += 1
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// An error at the current position: lines and columns are counted only when one is thrown.
    private func failure(_ message: String) -> JSONParseError {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(line: line, column: column, message: message)
    }
}
