import Testing

@testable import StructuredOutput

@Suite("Schema errors")
struct SchemaErrorTests {
    @Test(arguments: [
        (#"{"type": "object", "properties": {"x": {"type": "object", "patternProperties": {}}}}"#,
         "unsupported keyword 'patternProperties' at $.properties.x"),
        (#"{"allOf": [{}]}"#, "unsupported keyword 'allOf' at $"),
        (#"{"type": "array", "items": {"uniqueItems": true}}"#, "unsupported keyword 'uniqueItems' at $.items"),
        (#"{"anyOf": [{"type": "number", "multipleOf": 2}]}"#, "unsupported keyword 'multipleOf' at $.anyOf[0]"),
        (#"{"$defs": {"a b": {"not": {}}}}"#, #"unsupported keyword 'not' at $.$defs["a b"]"#),
        (#"{"prefixItems": []}"#, "'prefixItems' must be a non-empty list of schemas at $"),
        (#"{"prefixItems": [{"not": {}}]}"#, "unsupported keyword 'not' at $.prefixItems[0]"),
        (#"{"items": [{}]}"#, "'items' must be a schema (lists of item schemas are not supported) at $"),
        (#"{"type": "kaboom"}"#, "unknown type 'kaboom' at $"),
        (#"{"type": 123}"#, "'type' must be a type name or a non-empty list of them at $"),
        (#"{"type": []}"#, "'type' must be a type name or a non-empty list of them at $"),
        (#"{"type": ["string", "string"]}"#, "type 'string' listed twice at $"),
        (#"{"format": "email"}"#, "unsupported format 'email' (supported: date, time, date-time, uuid) at $"),
        (#"{"properties": {"a": 1}}"#, "a schema must be an object, not integer at $.properties.a"),
        (#"{"properties": []}"#, "'properties' must be an object of schemas at $"),
        (#"{"properties": {"a": {}}, "required": ["b"]}"#, "required property 'b' is not among the properties at $"),
        (#"{"required": "a"}"#, "'required' must be a list of names at $"),
        (#"{"additionalProperties": 1}"#, "'additionalProperties' must be a boolean or a schema at $"),
        (#"{"minLength": -1}"#, "'minLength' must be a non-negative integer at $"),
        (#"{"maxItems": 2.0}"#, "'maxItems' must be a non-negative integer at $"),
        (#"{"minimum": "1"}"#, "'minimum' must be a number at $"),
        (#"{"enum": []}"#, "'enum' must be a non-empty list at $"),
        (#"{"anyOf": []}"#, "'anyOf' must be a non-empty list of schemas at $"),
        (#"{"oneOf": {}}"#, "'oneOf' must be a non-empty list of schemas at $"),
        (#"{"pattern": "("}"#, #"invalid pattern "(" at $"#),
        (#"{"pattern": 5}"#, "'pattern' must be a string at $"),
        (##"{"$ref": "#/$defs/missing"}"##, "cannot resolve $ref '#/$defs/missing' at $"),
        (#"{"$ref": "other.json#/a"}"#, "unsupported $ref 'other.json#/a': only '#/...' pointers into this document at $"),
        (##"{"$ref": "#"}"##, "unsupported $ref '#': only '#/...' pointers into this document at $"),
        (##"{"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/a"}}}"##, "$ref cycle that never reaches a value at $.$defs.a"),
        (##"{"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, {"type": "null"}]}}}"##,
         "$ref cycle that never reaches a value at $.$defs.a"),
        ("{\"a\\nb\": 1}", #"unsupported keyword "a\nb" at $"#),
        (#"{"type": "it's"}"#, #"unknown type "it's" at $"#),
        ("[]", "a schema must be an object, not array at $"),
        ("true", "a schema must be an object, not boolean at $"),
    ])
    func rejectsWithOneLineMessage(schema: String, message: String) {
        #expect {
            _ = try JSONSchema(parsing: schema)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func errorsCarryTheirPath() throws {
        do {
            _ = try JSONSchema(parsing: #"{"properties": {"options": {"items": {"properties": {"x": {"dependentRequired": {}}}}}}}"#)
            Issue.record("expected an error")
        } catch let error as JSONSchemaError {
            #expect(error.path == "$.properties.options.items.properties.x")
            #expect(error.reason == "unsupported keyword 'dependentRequired'")
        }
    }

    @Test func badJSONIsAParseError() {
        #expect(throws: JSONParseError.self) { try JSONSchema(parsing: #"{"type": "string",}"#) }
    }

    @Test func keepsTheSource() throws {
        let text = #"{"type": "object", "properties": {"b": {}, "a": {}}}"#
        let schema = try JSONSchema(parsing: text)
        #expect(schema.source == (try JSONValue.parse(text)))
        #expect(schema.source["properties"]?.objectValue?.keys == ["b", "a"])
    }
}
