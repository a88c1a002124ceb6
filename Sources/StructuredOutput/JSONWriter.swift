/// Writes JSON text with keys in order.
///
/// Strings are escaped as nlohmann::json escapes them (`\b \f \n \r \t \" \\`, other control
/// characters as lowercase `\u00xx`, everything else as it is, `/` and U+007F included): the
/// compact form must be byte for byte what llama.cpp writes into its grammars for `const`,
/// `enum` and property names.
struct JSONWriter {
    let indent: Int?
    private(set) var output = ""

    init(indent: Int?) {
        self.indent = indent
    }

    mutating func write(_ value: JSONValue, level: Int = 0) {
        switch value {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .number(let n): output += n.canonical
        case .string(let s): writeString(s)
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { output += "," }
                newline(level + 1)
                write(element, level: level + 1)
            }
            newline(level)
            output += "]"
        case .object(let object):
            guard !object.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (i, member) in object.members.enumerated() {
                if i > 0 { output += "," }
                newline(level + 1)
                writeString(member.key)
                output += indent == nil ? ":" : ": "
                write(member.value, level: level + 1)
            }
            newline(level)
            output += "}"
        }
    }

    private mutating func newline(_ level: Int) {
        guard let indent else { return }
        output += "\n" + String(repeating: " ", count: indent * level)
    }

    mutating func writeString(_ string: String) {
        output += JSONWriter.quoted(string)
    }

    static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
