import TOMLKit

/// The only code that touches the TOML library: text in, `ConfigValue` tree out.
enum TOMLReader {
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func read(_ text: String) throws -> [String: ConfigValue] {
        try refuseWhatCrashesTheParser(text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            // toml++ quotes what it saw, newlines and all: the message is one line.
            throw SyntaxError(
                line: error.source.begin.line, column: error.source.begin.column,
                message: error.description.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        return convert(table)
    }

    /// toml++ stops the process on an assertion (debug builds) or reads on past it (release
    /// builds) when a table header does not start with a key: `[[[a]]]`, `[[ [a]]`, or a `[` at
    /// the end of its line (the config fuzz test found them). A line that starts with `[` must
    /// continue with a key character or a quote; anything else is refused here as the syntax
    /// error it is. (Parley's config holds no arrays, so no valid config is refused.)
    static func refuseWhatCrashesTheParser(_ text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let start = line.drop { $0 == " " || $0 == "\t" }
            guard start.first == "[" else { continue }
            let rest = start.dropFirst(start.hasPrefix("[[") ? 2 : 1).drop { $0 == " " || $0 == "\t" }
            let startsKey = rest.first.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_-\"'".contains($0)) } ?? false
            if !startsKey {
                throw SyntaxError(
                    line: number + 1, column: line.count - rest.count + 1, message: "a table header must start with a table name")
            }
        }
    }

    private static func convert(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for (key, value) in table {
            result[key] = convert(value)
        }
        return result
    }

    private static func convert(_ value: TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .table: return .table(value.table.map(convert) ?? [:])
        case .array: return .array(value.array.map { $0.map(convert) } ?? [])
        case .date: return .other("date")
        case .time: return .other("time")
        case .dateTime: return .other("date-time")
        }
    }
}
