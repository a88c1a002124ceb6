/// The fixed GBNF rules every schema grammar draws on: JSON's own lexical forms and the
/// string formats.
///
/// Their languages are llama.cpp's, deliberately, quirks included: a constrained generation here
/// must produce exactly what llama-server produces for the same schema. So `char` refuses U+007F
/// and control characters but allows any `\uXXXX` (lone surrogates included); numbers allow at
/// most 16 integral and 16 fraction digits; `space` allows nothing, one space, or one or two
/// newlines followed by up to 20 spaces or tabs, and nothing else.
enum GrammarPrimitives {
    struct Rule {
        let body: String
        let dependencies: [String]
    }

    static let space = #"| " " | "\n"{1,2} [ \t]{0,20}"#

    static let rules: [String: Rule] = [
        "boolean": Rule(body: #"("true" | "false")"#, dependencies: []),
        "null": Rule(body: #""null""#, dependencies: []),
        "decimal-part": Rule(body: "[0-9]{1,16}", dependencies: []),
        "integral-part": Rule(body: "[0] | [1-9] [0-9]{0,15}", dependencies: []),
        "number": Rule(
            body: #"("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)?"#,
            dependencies: ["integral-part", "decimal-part"]),
        "integer": Rule(body: #"("-"? integral-part)"#, dependencies: ["integral-part"]),
        "char": Rule(body: #"[^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})"#, dependencies: []),
        "string": Rule(body: #""\"" char* "\"""#, dependencies: ["char"]),
        "value": Rule(
            body: "object | array | string | number | boolean | null",
            dependencies: ["object", "array", "string", "number", "boolean", "null"]),
        "object": Rule(
            body: #""{" space ( string ":" space value ("," space string ":" space value)* )? space "}""#,
            dependencies: ["string", "value"]),
        "array": Rule(body: #""[" space ( value ("," space value)* )? space "]""#, dependencies: ["value"]),
        "uuid": Rule(
            body: #""\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\"""#,
            dependencies: []),
        "date": Rule(
            body: #"[0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] )"#,
            dependencies: []),
        "time": Rule(
            body: #"([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{3} )? ( "Z" | ( "+" | "-" ) ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )"#,
            dependencies: []),
        "date-time": Rule(body: #"date "T" time"#, dependencies: ["date", "time"]),
        "date-string": Rule(body: #""\"" date "\"""#, dependencies: ["date"]),
        "time-string": Rule(body: #""\"" time "\"""#, dependencies: ["time"]),
        "date-time-string": Rule(body: #""\"" date-time "\"""#, dependencies: ["date-time"]),
    ]

    /// Names a rule made from the schema must not take, or the fixed rules would change meaning.
    static let reservedNames: Set<String> = Set(rules.keys).union(["root", "space"])

    /// A GBNF string literal for `text`: quotes, backslashes, CR and LF escaped, the rest as is.
    static func literal(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// `item` repeated `minimum` to `maximum` times (nil: no limit), with `separator` between
    /// repetitions when one is given.
    static func repetition(_ item: String, minimum: Int, maximum: Int?, separator: String = "") -> String {
        if maximum == 0 { return "" }
        if minimum == 0 && maximum == 1 { return item + "?" }
        guard !separator.isEmpty else {
            switch (minimum, maximum) {
            case (1, nil): return item + "+"
            case (0, nil): return item + "*"
            default: return item + "{\(minimum),\(maximum.map(String.init) ?? "")}"
            }
        }
        let rest = repetition(
            "(" + separator + " " + item + ")", minimum: max(minimum - 1, 0), maximum: maximum.map { $0 - 1 })
        let result = item + " " + rest
        return minimum == 0 ? "(" + result + ")?" : result
    }
}
