/// A parsed config document as plain values, independent of the TOML library, so validation is a
/// pure function that tests can feed directly.
public indirect enum ConfigValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])
    /// Dates and times: valid TOML, but no Parley setting takes one.
    case other(String)

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .double: return "a number"
        case .bool: return "true or false"
        case .array: return "an array"
        case .table: return "a table"
        case .other(let kind): return "a \(kind)"
        }
    }
}
