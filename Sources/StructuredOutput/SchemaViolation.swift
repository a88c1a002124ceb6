/// One way an instance fails its schema: where in the instance, and why.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// Where in the instance: `$`, `$.options[0].name`.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
