/// A JSON Schema in the supported subset, ready to turn into a GBNF grammar or to validate
/// instances.
///
/// Supported: `type` (a name or a list), `properties`, `required`, `additionalProperties`,
/// `items`, `minItems`, `maxItems`, `enum`, `const`, `minLength`, `maxLength`, `pattern`,
/// `format` (date, time, date-time, uuid), `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`, `anyOf`, `oneOf`, `$ref` to `#/...` (recursion allowed), `$defs` and
/// `definitions`. Annotations (`title`, `description`, `$schema`, `$id`, `default`,
/// `examples`, `$comment`) are ignored. Any other keyword is an error naming it and its path.
public struct JSONSchema: Sendable {
    public let source: JSONValue
    let graph: SchemaGraph

    /// Checks the schema itself and resolves its references; throws `JSONSchemaError`.
    public init(_ value: JSONValue) throws {
        source = value
        var compiler = SchemaCompiler(document: value)
        graph = try compiler.compile()
    }

    /// Parses the text (throwing `JSONParseError`), then as `init(_:)`.
    public init(parsing text: String) throws {
        try self.init(JSONValue.parse(text))
    }

    /// The GBNF grammar, root rule `root`, that accepts the same text as the grammar llama.cpp
    /// makes of this schema (see `GrammarBuilder`). Throws `JSONSchemaError` for what a grammar
    /// cannot express: an unsupported pattern, empty ranges, oversized integer bounds.
    public func gbnf() throws -> String {
        var builder = GrammarBuilder(graph: graph)
        return try builder.build()
    }

    /// Every way `instance` fails the schema; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [SchemaViolation] {
        var validator = SchemaValidator(graph: graph)
        validator.check(instance, against: graph.root, at: JSONPath.root)
        return validator.violations
    }
}
