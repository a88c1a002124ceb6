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
