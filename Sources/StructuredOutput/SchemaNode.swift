/// One subschema with its keywords read and checked.
///
/// Subschemas are indices into `SchemaGraph.nodes` rather than nested values, so a recursive
/// `$ref` is just an index that points back up the graph.
struct SchemaNode: Sendable {
    enum AdditionalProperties: Sendable, Equatable {
        case absent
        case allowed(Bool)
        case schema(Int)
    }

    struct Reference: Sendable {
        /// As written: `#/$defs/node`.
        var pointer: String
        var target: Int
    }

    struct Property: Sendable {
        var name: String
        var node: Int
    }

    /// Where the subschema is, for messages: `$.properties.x`.
    var path: String
    var ref: Reference?
    var anyOf: [Int]?
    var oneOf: [Int]?
    /// nil when `type` is absent.
    var types: [String]?
    /// `"type": [...]`, even with one entry: llama.cpp treats a list as alternatives.
    var typeIsList = false
    var constValue: JSONValue?
    var enumValues: [JSONValue]?
    /// In schema order: the order decides the order of generation.
    var properties: [Property]?
    var required: [String]?
    var additionalProperties: AdditionalProperties = .absent
    var items: Int?
    /// A tuple: exactly these items, in order (llama.cpp's reading of `prefixItems`).
    var prefixItems: [Int]?
    var minItems: Int?
    var maxItems: Int?
    var minLength: Int?
    var maxLength: Int?
    var pattern: String?
    var format: StringFormat?
    var minimum: JSONNumber?
    var maximum: JSONNumber?
    var exclusiveMinimum: JSONNumber?
    var exclusiveMaximum: JSONNumber?

    init(path: String) {
        self.path = path
    }

    /// Whether llama.cpp reads a schema without a `type` as an object: it has `properties`, or
    /// an `additionalProperties` other than `true`.
    var impliesObject: Bool {
        properties != nil || !(additionalProperties == .absent || additionalProperties == .allowed(true))
    }

    /// Whether llama.cpp reads a schema without a `type` as a string.
    var impliesString: Bool {
        pattern != nil || minLength != nil || maxLength != nil || format != nil
    }

    /// Whether llama.cpp reads the schema as "any value": nothing in it constrains the kind.
    var isUnconstrained: Bool {
        ref == nil && anyOf == nil && oneOf == nil && types == nil && constValue == nil && enumValues == nil
            && !impliesObject && items == nil && prefixItems == nil && !impliesString
    }
}

/// A schema's subschemas, the root first.
struct SchemaGraph: Sendable {
    var nodes: [SchemaNode]
    var root: Int { 0 }
}
