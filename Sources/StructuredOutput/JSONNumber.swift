import Foundation

/// A JSON number: its value as a Double, and exactly when it was written as an integer.
///
/// An integer literal (no fraction, no exponent) that fits 64 bits is kept exactly, so `1` and
/// `1.0` stay distinguishable in the text while comparing equal as values. Anything else is a
/// Double; a literal too large for a Double keeps its text.
public struct JSONNumber: Sendable, CustomStringConvertible {
    private enum Exact: Sendable, Equatable {
        case signed(Int64)
        case unsigned(UInt64)
    }

    /// The text the number was parsed from, or the canonical text of a number built in code.
    public let literal: String
    public let doubleValue: Double
    private let exact: Exact?

    public init(_ value: Int) {
        self.init(Int64(value))
    }

    public init(_ value: Int64) {
        exact = .signed(value)
        doubleValue = Double(value)
        literal = String(value)
    }

    public init(_ value: Double) {
        exact = nil
        doubleValue = value
        literal = JSONNumber.canonicalText(of: value)
    }

    /// A number from RFC 8259 number text (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`),
    /// nil for anything else.
    public init?(literal text: String) {
        guard JSONNumber.isValidLiteral(text) else { return nil }
        self.init(validatedLiteral: text)
    }

    /// For the parser, which has already checked the grammar.
    init(validatedLiteral text: String) {
        literal = text
        let isIntegerText = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isIntegerText, let value = Int64(text) {
            exact = .signed(value)
            doubleValue = Double(value)
        } else if isIntegerText, let value = UInt64(text) {
            exact = .unsigned(value)
            doubleValue = Double(value)
        } else {
            exact = nil
            doubleValue = Double(text) ?? .nan
        }
    }

    /// Written as an integer that fits 64 bits (the way nlohmann::json keeps it an integer).
    public var isIntegerLiteral: Bool { exact != nil }

    /// A whole number, however written: JSON Schema counts 1.0 as an integer.
    public var isIntegral: Bool {
        exact != nil || (doubleValue.isFinite && doubleValue.rounded(.towardZero) == doubleValue)
    }

    /// The value as an Int64 when it is whole and in range.
    public var int64Value: Int64? {
        switch exact {
        case .signed(let v): return v
        case .unsigned(let v): return Int64(exactly: v)
        case nil:
            guard isIntegral, doubleValue >= -9.2e18, doubleValue <= 9.2e18 else { return nil }
            return Int64(doubleValue)
        }
    }

    /// The text `serialized` writes: integers as integers, other numbers in the shortest form
    /// that reads back to the same Double, laid out as nlohmann::json lays out a double
    /// (`1.0`, `0.001`, `1e-05`, `1.5e+20`). llama.cpp writes `const` and `enum` values into its
    /// grammars in that form, so ours must write them the same way to accept the same text.
    public var canonical: String {
        switch exact {
        case .signed(let v): return String(v)
        case .unsigned(let v): return String(v)
        case nil: return doubleValue.isFinite ? JSONNumber.canonicalText(of: doubleValue) : literal
        }
    }

    public var description: String { canonical }

    /// Orders two numbers by value; exact integers compare exactly.
    public func compare(_ other: JSONNumber) -> ComparisonResult {
        switch (exact, other.exact) {
        case (.signed(let a), .signed(let b)): return a < b ? .less : a == b ? .equal : .greater
        case (.unsigned(let a), .unsigned(let b)): return a < b ? .less : a == b ? .equal : .greater
        case (.signed(let a), .unsigned(let b)): return a < 0 || UInt64(a) < b ? .less : UInt64(a) == b ? .equal : .greater
        case (.unsigned, .signed): return other.compare(self).reversed
        default:
            let a = doubleValue, b = other.doubleValue
            return a < b ? .less : a == b ? .equal : .greater
        }
    }

    public enum ComparisonResult: Sendable, Equatable {
        case less, equal, greater

        var reversed: ComparisonResult {
            switch self {
            case .less: return .greater
            case .equal: return .equal
            case .greater: return .less
            }
        }
    }

    static func isValidLiteral(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            return false
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }

    /// nlohmann::json's layout of a finite double: the shortest round-trip digits, in plain
    /// notation while the decimal point falls within 15 places (or 3 zeros after it), else in
    /// exponent notation with a sign and at least two exponent digits.
    static func canonicalText(of value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "null" : (value < 0 ? "-1e+309" : "1e+309") }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let (digits, exponent) = shortestDigits(of: Swift.abs(value))
        let k = digits.count
        let n = k + exponent
        var text: String
        if k <= n && n <= 15 {
            text = digits + String(repeating: "0", count: n - k) + ".0"
        } else if 0 < n && n <= 15 {
            text = String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -4 < n && n <= 0 {
            text = "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            text = k == 1 ? digits : String(digits.prefix(1)) + "." + String(digits.dropFirst())
            text += "e" + (e < 0 ? "-" : "+") + (Swift.abs(e) < 10 ? "0" : "") + String(Swift.abs(e))
        }
        return value < 0 ? "-" + text : text
    }

    /// The shortest decimal digits that read back to `value` (positive, finite), with the
    /// power of ten to scale them by. Swift's own description already finds the shortest digits;
    /// this only takes its notation apart.
    private static func shortestDigits(of value: Double) -> (String, Int) {
        let text = "\(value)"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
        }
        var digits = ""
        if let dot = mantissa.firstIndex(of: ".") {
            let fraction = mantissa[mantissa.index(after: dot)...]
            digits = String(mantissa[..<dot]) + fraction
            exponent -= fraction.count
        } else {
            digits = String(mantissa)
        }
        while digits.count > 1, digits.hasPrefix("0") { digits.removeFirst() }
        while digits.count > 1, digits.hasSuffix("0") {
            digits.removeLast()
            exponent += 1
        }
        return (digits, exponent)
    }
}

extension JSONNumber: Equatable {
    /// Equal by value: `1 == 1.0`.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.compare(rhs) == .equal
    }
}

extension JSONNumber: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
    public init(floatLiteral value: Double) { self.init(value) }
}
