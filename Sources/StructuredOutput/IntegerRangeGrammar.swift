/// GBNF for the integers between optional bounds, accepting the same text as llama.cpp's.
///
/// With both bounds the language is plain: each integer in range, in canonical decimal form,
/// plus "-0" whenever the range reaches below zero (llama.cpp writes the negative side as "-"
/// followed by the range 0...|minimum|).
///
/// With one bound llama.cpp's construction has quirks that llama-server's output inherits, so
/// they are kept here on purpose rather than fixed:
/// - at most 16 digits for the unbounded side;
/// - below a negative `maximum`, leading zeros after the "-" ("max -5" accepts "-05");
/// - a `minimum` of 100 or more whose digits after the first are all zero compares only the
///   first digit ("min 100" accepts "10").
/// Bounds are limited to 15 digits; the construction has no sensible meaning beyond that.
enum IntegerRangeGrammar {
    static let largestBound: Int64 = 999_999_999_999_999

    /// The alternatives, without enclosing parentheses.
    static func body(minimum: Int64?, maximum: Int64?) -> String {
        switch (minimum, maximum) {
        case (let low?, let high?): return bounded(low, high)
        case (let low?, nil): return atLeast(low, digitsLeft: 16, topLevel: true)
        case (nil, let high?): return atMost(high, digitsLeft: 16, topLevel: true)
        case (nil, nil): return #"("-"? integral-part)"#
        }
    }

    /// Integers in `low...high`, `low <= high`.
    private static func bounded(_ low: Int64, _ high: Int64) -> String {
        if low < 0 && high < 0 {
            return #""-" ("# + bounded(-high, -low) + ")"
        }
        guard low < 0 else { return nonNegative(low, high) }
        return #""-" ("# + bounded(0, -low) + ") | " + nonNegative(0, high)
    }

    /// Canonical decimals of `low...high`, `0 <= low <= high`: one run of alternatives for each
    /// length of number.
    private static func nonNegative(_ low: Int64, _ high: Int64) -> String {
        var parts: [String] = []
        var from = low
        let longest = String(high).count
        for length in String(low).count...longest {
            let to = length == longest ? high : tenToThe(length) - 1
            parts.append(sameLength(Array(String(from)), Array(String(to))))
            from = tenToThe(length)
        }
        return parts.joined(separator: " | ")
    }

    /// Digit strings of one length between `from` and `to` inclusive, compared as text.
    private static func sameLength(_ from: [Character], _ to: [Character]) -> String {
        var shared = 0
        while shared < from.count, from[shared] == to[shared] { shared += 1 }
        if shared == from.count { return "\"" + String(from) + "\"" }
        let prefix = shared > 0 ? "\"" + String(from[..<shared]) + "\" " : ""
        let a = from[shared], b = to[shared]
        let restLength = from.count - shared - 1
        if restLength == 0 { return prefix + digitClass(a, b) }
        let fromRest = Array(from[(shared + 1)...]), toRest = Array(to[(shared + 1)...])
        let zeros = [Character](repeating: "0", count: restLength), nines = [Character](repeating: "9", count: restLength)
        if fromRest == zeros && toRest == nines {
            return prefix + digitClass(a, b) + " " + anyDigits(restLength, restLength)
        }
        var alternatives = [digitClass(a, a) + " (" + sameLength(fromRest, nines) + ")"]
        if let inner = next(a), let last = previous(b), inner <= last {
            alternatives.append(digitClass(inner, last) + " " + anyDigits(restLength, restLength))
        }
        alternatives.append(digitClass(b, b) + " (" + sameLength(zeros, toRest) + ")")
        return prefix + "(" + alternatives.joined(separator: " | ") + ")"
    }

    /// llama.cpp's construction for "at least `minimum`", kept step for step (see the type's
    /// comment for why its quirks matter).
    private static func atLeast(_ minimum: Int64, digitsLeft: Int, topLevel: Bool) -> String {
        let fewer = max(digitsLeft - 1, 1)
        if minimum < 0 {
            return #""-" ("# + bounded(0, -minimum) + ") | [0] | [1-9] " + anyDigits(0, digitsLeft - 1)
        }
        if minimum == 0 {
            return topLevel ? "[0] | [1-9] " + anyDigits(0, fewer) : anyDigits(1, digitsLeft)
        }
        let text = Array(String(minimum))
        let first = text[0]
        let lowest: Character = topLevel ? "1" : "0"
        var result = ""
        if minimum <= 9 {
            if first > lowest {
                result += digitClass(lowest, previous(first)!) + " " + anyDigits(1, fewer) + " | "
            }
            return result + digitClass(first, "9") + " " + anyDigits(0, fewer)
        }
        if first > "1" {
            result += digitClass(lowest, previous(first)!) + " " + anyDigits(text.count, fewer) + " | "
        }
        // The remaining digits are read back as a number: their leading zeros are lost.
        let rest = Int64(String(text.dropFirst()))!
        result += digitClass(first, first) + " (" + atLeast(rest, digitsLeft: fewer, topLevel: false) + ")"
        if first < "9" {
            result += " | " + digitClass(next(first)!, "9") + " " + anyDigits(text.count - 1, fewer)
        }
        return result
    }

    /// llama.cpp's construction for "at most `maximum`".
    private static func atMost(_ maximum: Int64, digitsLeft: Int, topLevel: Bool) -> String {
        guard maximum >= 0 else {
            return #""-" ("# + atLeast(-maximum, digitsLeft: digitsLeft, topLevel: false) + ")"
        }
        let negatives = topLevel ? #""-" [1-9] "# + anyDigits(0, max(digitsLeft - 1, 1)) + " | " : ""
        return negatives + bounded(0, maximum)
    }

    private static func digitClass(_ from: Character, _ to: Character) -> String {
        from == to ? "[\(from)]" : "[\(from)-\(to)]"
    }

    /// `minimum` to `maximum` digits, written as llama.cpp writes them.
    private static func anyDigits(_ minimum: Int, _ maximum: Int) -> String {
        if minimum == 1 && maximum == 1 { return "[0-9]" }
        return minimum == maximum ? "[0-9]{\(minimum)}" : "[0-9]{\(minimum),\(maximum)}"
    }

    private static func next(_ digit: Character) -> Character? {
        digit == "9" ? nil : Character(Unicode.Scalar(digit.asciiValue! + 1))
    }

    private static func previous(_ digit: Character) -> Character? {
        digit == "0" ? nil : Character(Unicode.Scalar(digit.asciiValue! - 1))
    }

    private static func tenToThe(_ power: Int) -> Int64 {
        (0..<power).reduce(1) { value, _ in value * 10 }
    }
}
