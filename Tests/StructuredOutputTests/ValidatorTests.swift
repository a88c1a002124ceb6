import Testing

@testable import StructuredOutput

@Suite("Validation")
struct ValidatorTests {
    struct Case: Sendable, CustomStringConvertible {
        let schema: String
        let instance: String
        /// "path: message" for each violation, in order; empty for a valid instance.
        let violations: [String]
        var description: String { "\(schema) ← \(instance)" }
    }

    static let cases: [Case] = [
        // type
        Case(schema: #"{"type": "string"}"#, instance: #""x""#, violations: []),
        Case(schema: #"{"type": "string"}"#, instance: "1", violations: ["$: expected string, got integer"]),
        Case(schema: #"{"type": "integer"}"#, instance: "1.0", violations: []),
        Case(schema: #"{"type": "integer"}"#, instance: "1.5", violations: ["$: expected integer, got number"]),
        Case(schema: #"{"type": "number"}"#, instance: "7", violations: []),
        Case(schema: #"{"type": ["string", "null"]}"#, instance: "null", violations: []),
        Case(schema: #"{"type": ["string", "null"]}"#, instance: "true", violations: ["$: expected one of string, null, got boolean"]),
        Case(schema: #"{"type": "object"}"#, instance: "[]", violations: ["$: expected object, got array"]),
        Case(schema: #"{"type": "array"}"#, instance: "{}", violations: ["$: expected array, got object"]),
        // prefixItems: a tuple of exactly its items
        Case(schema: #"{"prefixItems": [{"type": "string"}, {"type": "integer"}]}"#, instance: #"["a", 1]"#, violations: []),
        Case(schema: #"{"prefixItems": [{"type": "string"}, {"type": "integer"}]}"#, instance: #"[1, 1, 1]"#,
             violations: ["$: has 3 items, exactly 2 required", "$[0]: expected string, got integer"]),
        // const and enum compare as JSON values
        Case(schema: #"{"const": 1}"#, instance: "1.0", violations: []),
        Case(schema: #"{"const": {"a": 1, "b": [true]}}"#, instance: #"{"b": [true], "a": 1}"#, violations: []),
        Case(schema: #"{"const": "x"}"#, instance: #""y""#, violations: [#"$: must be "x""#]),
        Case(schema: #"{"enum": ["a", 2, null]}"#, instance: "2.0", violations: []),
        Case(schema: #"{"enum": ["a", 2, null]}"#, instance: #""b""#, violations: [#"$: must be one of ["a",2,null]"#]),
        // objects
        Case(schema: #"{"properties": {"a": {"type": "integer"}}, "required": ["a"]}"#, instance: "{}",
             violations: [#"$: missing required property "a""#]),
        Case(schema: #"{"properties": {"a": {"type": "integer"}}}"#, instance: #"{"b": 1}"#, violations: []),
        Case(schema: #"{"properties": {"a": {"type": "integer"}}, "additionalProperties": false}"#,
             instance: #"{"a": 1, "b": 1, "c d": 2}"#, violations: ["$.b: property not allowed", #"$["c d"]: property not allowed"#]),
        Case(schema: #"{"additionalProperties": {"type": "string"}}"#, instance: #"{"a": "x", "b": 2}"#,
             violations: ["$.b: expected string, got integer"]),
        Case(schema: #"{"type": "object", "properties": {"options": {"type": "array", "items": {"properties": {"name": {"type": "string"}}}}}}"#,
             instance: #"{"options": [{"name": "a"}, {"name": 5}]}"#, violations: ["$.options[1].name: expected string, got integer"]),
        // arrays
        Case(schema: #"{"items": {"type": "integer"}, "minItems": 2, "maxItems": 3}"#, instance: "[1]",
             violations: ["$: has 1 items, at least 2 required"]),
        Case(schema: #"{"items": {"type": "integer"}, "minItems": 2, "maxItems": 3}"#, instance: #"[1, 2, "x", 4]"#,
             violations: ["$: has 4 items, at most 3 allowed", "$[2]: expected integer, got string"]),
        // strings: lengths in code points
        Case(schema: #"{"minLength": 2, "maxLength": 3}"#, instance: #""😀é""#, violations: []),
        Case(schema: #"{"maxLength": 3}"#, instance: #""abcd""#, violations: ["$: is 4 characters long, at most 3 allowed"]),
        Case(schema: #"{"minLength": 2}"#, instance: #""\ud83d\ude00""#, violations: ["$: is 1 characters long, at least 2 required"]),
        Case(schema: #"{"maxLength": 1}"#, instance: "5", violations: []),
        Case(schema: #"{"pattern": "^[a-z]+$"}"#, instance: #""abc""#, violations: []),
        Case(schema: #"{"pattern": "b"}"#, instance: #""abc""#, violations: []),
        Case(schema: #"{"pattern": "^[a-z]+$"}"#, instance: #""aBc""#, violations: [#"$: does not match the pattern "^[a-z]+$""#]),
        // formats
        Case(schema: #"{"format": "date"}"#, instance: #""2024-02-29""#, violations: []),
        Case(schema: #"{"format": "date"}"#, instance: #""2023-02-29""#, violations: ["$: is not a valid date"]),
        Case(schema: #"{"format": "date"}"#, instance: #""2023-04-31""#, violations: ["$: is not a valid date"]),
        Case(schema: #"{"format": "time"}"#, instance: #""23:59:60.5+01:00""#, violations: []),
        Case(schema: #"{"format": "time"}"#, instance: #""12:00:00""#, violations: ["$: is not a valid time"]),
        Case(schema: #"{"format": "date-time"}"#, instance: #""2024-01-01t00:00:00z""#, violations: []),
        Case(schema: #"{"format": "date-time"}"#, instance: #""2024-01-01 00:00:00Z""#, violations: ["$: is not a valid date-time"]),
        Case(schema: #"{"format": "uuid"}"#, instance: #""123e4567-e89b-12d3-a456-426614174000""#, violations: []),
        Case(schema: #"{"format": "uuid"}"#, instance: #""123e4567e89b12d3a456426614174000""#, violations: ["$: is not a valid uuid"]),
        // numbers
        Case(schema: #"{"minimum": 1.5, "maximum": 3}"#, instance: "1.5", violations: []),
        Case(schema: #"{"minimum": 1.5, "maximum": 3}"#, instance: "1", violations: ["$: must be at least 1.5"]),
        Case(schema: #"{"minimum": 1.5, "maximum": 3}"#, instance: "3.01", violations: ["$: must be at most 3"]),
        Case(schema: #"{"exclusiveMinimum": 0, "exclusiveMaximum": 10}"#, instance: "0",
             violations: ["$: must be greater than 0"]),
        Case(schema: #"{"exclusiveMinimum": 0, "exclusiveMaximum": 10}"#, instance: "10.0",
             violations: ["$: must be less than 10"]),
        Case(schema: #"{"type": "integer", "minimum": 0, "maximum": 10}"#, instance: "-0", violations: []),
        // anyOf and oneOf
        Case(schema: #"{"anyOf": [{"type": "string"}, {"type": "integer"}]}"#, instance: "1", violations: []),
        Case(schema: #"{"anyOf": [{"type": "string"}, {"type": "integer"}]}"#, instance: "null",
             violations: ["$: matches none of the 2 schemas in anyOf"]),
        Case(schema: #"{"oneOf": [{"type": "integer"}, {"minimum": 5}]}"#, instance: "3", violations: []),
        Case(schema: #"{"oneOf": [{"type": "integer"}, {"minimum": 5}]}"#, instance: "7",
             violations: ["$: matches 2 schemas in oneOf (0, 1), not exactly one"]),
        Case(schema: #"{"oneOf": [{"type": "integer"}, {"type": "string"}]}"#, instance: "true",
             violations: ["$: matches none of the 2 schemas in oneOf"]),
        // references, recursive ones included, and keywords beside them
        Case(schema: ##"{"$defs": {"pos": {"type": "integer", "minimum": 1}}, "items": {"$ref": "#/$defs/pos"}}"##,
             instance: "[1, 0]", violations: ["$[1]: must be at least 1"]),
        Case(schema: ##"{"definitions": {"n": {"type": "object", "properties": {"next": {"$ref": "#/definitions/n"}, "v": {"type": "integer"}}}}, "$ref": "#/definitions/n"}"##,
             instance: #"{"v": 1, "next": {"v": 2, "next": {"v": "x"}}}"#, violations: ["$.next.next.v: expected integer, got string"]),
        Case(schema: ##"{"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 1}"##, instance: #""ab""#,
             violations: ["$: is 2 characters long, at most 1 allowed"]),
        // annotations change nothing
        Case(schema: #"{"title": "t", "description": "d", "default": 5, "examples": [], "$comment": "c"}"#, instance: "[]", violations: []),
    ]

    @Test(arguments: cases)
    func reportsViolations(_ testCase: Case) throws {
        let schema = try JSONSchema(parsing: testCase.schema)
        let found = schema.validate(try JSONValue.parse(testCase.instance)).map(\.description)
        #expect(found == testCase.violations)
    }

    @Test func violationsAreValues() {
        let violation = SchemaViolation(path: "$.a[0]", message: "expected string, got null")
        #expect(violation.description == "$.a[0]: expected string, got null")
        #expect(violation == SchemaViolation(path: "$.a[0]", message: "expected string, got null"))
    }
}
