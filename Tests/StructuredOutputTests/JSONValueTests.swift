import Foundation
import Testing

@testable import StructuredOutput

@Suite("JSON values")
struct JSONValueTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        (" false ", .bool(false)),
        ("0", 0),
        ("-12", -12),
        ("1.5", 1.5),
        ("-0.25e2", -25.0),
        ("1E+2", 100),
        ("\"\"", ""),
        ("\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d"),
        ("\"\\b\\f\\n\\r\\t\"", "\u{08}\u{0C}\n\r\t"),
        ("\"\\u00e9\\u20AC\"", "é€"),
        ("\"\\ud83d\\ude00\"", "😀"),
        ("\"😀 raw\"", "😀 raw"),
        ("[]", []),
        ("[1, [2, []], {}]", [1, [2, []], [:]]),
        ("{\"a\": {\"b\": null}}", ["a": ["b": nil]]),
        ("\n\t\r [ 1 ]\n", [1]),
    ] as [(String, JSONValue)])
    func parsesValidText(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "line 1, column 1: unexpected end of input, expected a value"),
        ("[1,]", "line 1, column 4: expected a value"),
        ("[1 2]", "line 1, column 4: expected ',' or ']'"),
        ("{\"a\" 1}", "line 1, column 6: expected ':'"),
        ("{\"a\": 1,\n \"b\": 2\n  \"c\": 3}", "line 3, column 3: expected ',' or '}'"),
        ("{a: 1}", "line 1, column 2: expected a string key"),
        ("{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate key \"a\""),
        ("01", "line 1, column 2: leading zero in a number"),
        ("1.", "line 1, column 3: expected a digit after '.'"),
        (".5", "line 1, column 1: expected a value"),
        ("+1", "line 1, column 1: expected a value"),
        ("1e", "line 1, column 3: expected a digit in the exponent"),
        ("-", "line 1, column 2: expected a digit"),
        ("tru", "line 1, column 4: expected a value"),
        ("nul1", "line 1, column 4: expected a value"),
        ("1 2", "line 1, column 3: unexpected text after the value"),
        ("{} x", "line 1, column 4: unexpected text after the value"),
        ("\"abc", "line 1, column 5: unexpected end of input in a string"),
        ("\"a\nb\"", "line 1, column 3: unescaped control character U+000A in a string"),
        ("\"\\x\"", "line 1, column 2: invalid escape"),
        ("\"\\u12G4\"", "line 1, column 6: expected 4 hex digits after \\u"),
        ("\"\\ud800\"", "line 1, column 2: lone surrogate \\ud800"),
        ("\"\\ud800\\u0041\"", "line 1, column 2: lone surrogate \\ud800"),
        ("\"\\udc00\"", "line 1, column 2: lone surrogate \\udc00"),
        ("\"é\" ,", "line 1, column 5: unexpected text after the value"),
        ("NaN", "line 1, column 1: expected a value"),
        ("[1] // comment", "line 1, column 5: unexpected text after the value"),
    ])
    func rejectsInvalidTextWithOneLineErrors(text: String, message: String) {
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func capsNestingDepth() throws {
        let deep = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect(throws: Never.self) { try JSONValue.parse(deep) }
        let tooDeep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect {
            _ = try JSONValue.parse(tooDeep)
        } throws: { error in
            "\(error)" == "line 1, column 129: nesting deeper than 128 levels"
        }
        let objects = String(repeating: "{\"a\":", count: 5) + "1" + String(repeating: "}", count: 5)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(objects, maximumDepth: 4) }
    }

    @Test func capsSize() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("[1, 2, 3]", maximumBytes: 8) }
        #expect(throws: Never.self) { try JSONValue.parse("[1, 2, 3]", maximumBytes: 9) }
    }

    @Test func keepsKeyOrder() throws {
        let value = try JSONValue.parse(#"{"zebra": 1, "apple": {"y": 2, "x": 3}, "mango": 4}"#)
        #expect(value.objectValue?.keys == ["zebra", "apple", "mango"])
        #expect(value["apple"]?.objectValue?.keys == ["y", "x"])
        #expect(value.serialized == #"{"zebra":1,"apple":{"y":2,"x":3},"mango":4}"#)
    }

    @Test func objectsCompareWithoutOrderButKeepIt() {
        let a: JSONValue = ["x": 1, "y": 2]
        let b: JSONValue = ["y": 2, "x": 1.0]
        #expect(a == b)
        #expect(a.objectValue?.keys != b.objectValue?.keys)
        #expect(a != ["x": 1])
        var object = JSONObject([("b", 1), ("a", 2)])
        object["b"] = 3
        object["c"] = 4
        #expect(object.keys == ["b", "a", "c"])
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object["c"] == 4)
    }

    @Test func numbersKeepIntegerVersusFraction() throws {
        let integer = try #require(JSONValue.parse("3").numberValue)
        let fraction = try #require(JSONValue.parse("3.0").numberValue)
        #expect(integer.isIntegerLiteral)
        #expect(!fraction.isIntegerLiteral)
        #expect(integer.isIntegral && fraction.isIntegral)
        #expect(integer == fraction)
        #expect(integer.canonical == "3" && fraction.canonical == "3.0")
        #expect(try JSONValue.parse("2.5").numberValue?.isIntegral == false)

        let big = try #require(JSONValue.parse("9007199254740993").numberValue)
        #expect(big.int64Value == 9_007_199_254_740_993)
        #expect(big != JSONNumber(literal: "9007199254740992")!)
        let unsigned = try #require(JSONValue.parse("18446744073709551615").numberValue)
        #expect(unsigned.isIntegerLiteral && unsigned.canonical == "18446744073709551615")
        #expect(unsigned.compare(JSONNumber(Int64.max)) == .greater)
        #expect(JSONNumber(-1).compare(unsigned) == .less)
        let huge = try #require(JSONValue.parse("1e400").numberValue)
        #expect(huge.doubleValue == .infinity && huge.canonical == "1e400")
        #expect(JSONNumber(literal: "01") == nil && JSONNumber(literal: "1.5e-3") != nil)
    }

    /// Numbers are written as nlohmann::json writes them: llama.cpp puts that text in grammars.
    @Test(arguments: [
        ("0", "0"), ("-0", "0"), ("12", "12"), ("-7", "-7"),
        ("1.0", "1.0"), ("1.50", "1.5"), ("-0.0", "-0.0"), ("0.1", "0.1"), ("100e0", "100.0"),
        ("1e14", "100000000000000.0"), ("1e15", "1e+15"), ("123456.789", "123456.789"),
        ("0.001", "0.001"), ("0.0001", "0.0001"), ("0.00001", "1e-05"), ("1.25e-7", "1.25e-07"),
        ("3.14159e100", "3.14159e+100"), ("2e-308", "2e-308"), ("123456789012345678901", "1.2345678901234568e+20"),
    ])
    func canonicalNumbers(literal: String, expected: String) throws {
        #expect(try JSONValue.parse(literal).serialized == expected)
    }

    @Test func escapesStringsAsNlohmann() {
        let value: JSONValue = ["k\"\\": "line\nbreak\ttab\u{01}\u{1F}\u{7F}/é😀"]
        #expect(value.serialized == #"{"k\"\\":"line\nbreak\ttab\u0001\u001f"# + "\u{7F}/é😀\"}")
    }

    @Test func roundTripsThroughText() throws {
        let text = #"{"b":[1,2.5,-3e-07,true,false,null,"x\u0000y"],"a":{"":{}},"c":[]}"#
        let value = try JSONValue.parse(text)
        #expect(value.serialized == text)
        #expect(try JSONValue.parse(value.prettyPrinted) == value)
    }

    @Test func prettyPrintsWithTwoSpaces() {
        let value: JSONValue = ["a": [1, ["b": nil]], "c": [:], "d": []]
        #expect(value.prettyPrinted == """
            {
              "a": [
                1,
                {
                  "b": null
                }
              ],
              "c": {},
              "d": []
            }
            """)
    }
}
