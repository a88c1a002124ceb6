/// Why a schema cannot be used: one line naming the problem and where it is,
/// "unsupported keyword 'patternProperties' at $.properties.x".
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// Where in the schema: `$`, `$.properties.x`, `$.anyOf[1]`.
    public var path: String

    public init(_ reason: String, at path: String) {
        self.reason = reason
        self.path = path
    }

    public var description: String { "\(reason) at \(path)" }
}

/// A name as messages quote it: 'name', or JSON-escaped when it holds characters that would
/// break the message's single line.
func shown(_ name: String) -> String {
    name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "'" } ? JSONWriter.quoted(name) : "'\(name)'"
}
