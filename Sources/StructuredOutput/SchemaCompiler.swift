import Foundation

/// Reads a schema document into a `SchemaGraph`, refusing anything outside the supported subset.
///
/// Every keyword is either understood, an annotation that changes nothing, or an error that
/// names it and its path: a silently ignored keyword would make the grammar accept text the
/// schema's author meant to forbid.
struct SchemaCompiler {
    static let annotations: Set<String> = ["title", "description", "$schema", "$id", "default", "examples", "$comment"]
    static let typeNames: Set<String> = ["object", "array", "string", "integer", "number", "boolean", "null"]

    private let document: JSONValue
    private var nodes: [SchemaNode] = []
    /// Subschemas by JSON pointer (`#/$defs/node`), filled as `$ref`s and `$defs` are read.
    private var targets: [String: Int] = [:]

    init(document: JSONValue) {
        self.document = document
    }

    mutating func compile() throws -> SchemaGraph {
        _ = try compile(document, path: JSONPath.root, pointer: "#")
        let graph = SchemaGraph(nodes: nodes)
        try SchemaCompiler.rejectCyclesWithoutProgress(in: graph)
        return graph
    }

    private mutating func compile(_ value: JSONValue, path: String, pointer: String) throws -> Int {
        guard case .object(let object) = value else {
            throw JSONSchemaError("a schema must be an object, not \(value.kindName)", at: path)
        }
        // Reserve the index first: a $ref reached while reading this schema may point back at it.
        let index = nodes.count
        nodes.append(SchemaNode(path: path))
        var node = SchemaNode(path: path)
        let child = { (keyword: String) in JSONPath.appending(key: keyword, to: path) }
        let childPointer = { (keyword: String) in pointer + "/" + SchemaCompiler.escapePointerToken(keyword) }

        for (keyword, argument) in object {
            switch keyword {
            case _ where SchemaCompiler.annotations.contains(keyword):
                continue
            case "$defs", "definitions":
                guard case .object(let definitions) = argument else {
                    throw JSONSchemaError("\(shown(keyword)) must be an object of schemas", at: path)
                }
                for (name, definition) in definitions {
                    let definitionPointer = childPointer(keyword) + "/" + SchemaCompiler.escapePointerToken(name)
                    if targets[definitionPointer] != nil { continue }
                    targets[definitionPointer] = try compile(
                        definition, path: JSONPath.appending(key: name, to: child(keyword)), pointer: definitionPointer)
                }
            case "$ref":
                guard case .string(let reference) = argument else { throw JSONSchemaError("'$ref' must be a string", at: path) }
                node.ref = SchemaNode.Reference(pointer: reference, target: try resolve(reference, at: path))
            case "type":
                switch argument {
                case .string(let name):
                    guard SchemaCompiler.typeNames.contains(name) else { throw JSONSchemaError("unknown type \(shown(name))", at: path) }
                    node.types = [name]
                case .array(let entries) where !entries.isEmpty:
                    var names: [String] = []
                    for entry in entries {
                        guard case .string(let name) = entry, SchemaCompiler.typeNames.contains(name) else {
                            throw JSONSchemaError("unknown type \(entry.serialized)", at: path)
                        }
                        guard !names.contains(name) else { throw JSONSchemaError("type \(shown(name)) listed twice", at: path) }
                        names.append(name)
                    }
                    node.types = names
                    node.typeIsList = true
                default:
                    throw JSONSchemaError("'type' must be a type name or a non-empty list of them", at: path)
                }
            case "properties":
                guard case .object(let properties) = argument else {
                    throw JSONSchemaError("'properties' must be an object of schemas", at: path)
                }
                var compiled: [SchemaNode.Property] = []
                for (name, schema) in properties {
                    let propertyPath = JSONPath.appending(key: name, to: child(keyword))
                    let propertyPointer = childPointer(keyword) + "/" + SchemaCompiler.escapePointerToken(name)
                    compiled.append(.init(name: name, node: try compile(schema, path: propertyPath, pointer: propertyPointer)))
                }
                node.properties = compiled
            case "required":
                guard case .array(let entries) = argument else { throw JSONSchemaError("'required' must be a list of names", at: path) }
                var names: [String] = []
                for entry in entries {
                    guard case .string(let name) = entry else { throw JSONSchemaError("'required' must be a list of names", at: path) }
                    guard !names.contains(name) else { throw JSONSchemaError("\(shown(name)) is required twice", at: path) }
                    names.append(name)
                }
                node.required = names
            case "additionalProperties":
                switch argument {
                case .bool(let allowed): node.additionalProperties = .allowed(allowed)
                case .object:
                    node.additionalProperties = .schema(try compile(argument, path: child(keyword), pointer: childPointer(keyword)))
                default:
                    throw JSONSchemaError("'additionalProperties' must be a boolean or a schema", at: path)
                }
            case "items":
                guard case .object = argument else {
                    throw JSONSchemaError("'items' must be a schema (lists of item schemas are not supported)", at: path)
                }
                node.items = try compile(argument, path: child(keyword), pointer: childPointer(keyword))
            case "prefixItems":
                guard case .array(let list) = argument, !list.isEmpty else {
                    throw JSONSchemaError("'prefixItems' must be a non-empty list of schemas", at: path)
                }
                var compiled: [Int] = []
                for (i, item) in list.enumerated() {
                    compiled.append(try compile(item, path: JSONPath.appending(index: i, to: child(keyword)), pointer: childPointer(keyword) + "/\(i)"))
                }
                node.prefixItems = compiled
            case "minItems": node.minItems = try SchemaCompiler.count(argument, keyword, at: path)
            case "maxItems": node.maxItems = try SchemaCompiler.count(argument, keyword, at: path)
            case "minLength": node.minLength = try SchemaCompiler.count(argument, keyword, at: path)
            case "maxLength": node.maxLength = try SchemaCompiler.count(argument, keyword, at: path)
            case "minimum": node.minimum = try SchemaCompiler.number(argument, keyword, at: path)
            case "maximum": node.maximum = try SchemaCompiler.number(argument, keyword, at: path)
            case "exclusiveMinimum": node.exclusiveMinimum = try SchemaCompiler.number(argument, keyword, at: path)
            case "exclusiveMaximum": node.exclusiveMaximum = try SchemaCompiler.number(argument, keyword, at: path)
            case "const":
                node.constValue = argument
            case "enum":
                guard case .array(let values) = argument, !values.isEmpty else {
                    throw JSONSchemaError("'enum' must be a non-empty list", at: path)
                }
                node.enumValues = values
            case "anyOf", "oneOf":
                guard case .array(let alternatives) = argument, !alternatives.isEmpty else {
                    throw JSONSchemaError("\(shown(keyword)) must be a non-empty list of schemas", at: path)
                }
                var compiled: [Int] = []
                for (i, alternative) in alternatives.enumerated() {
                    compiled.append(try compile(
                        alternative, path: JSONPath.appending(index: i, to: child(keyword)), pointer: childPointer(keyword) + "/\(i)"))
                }
                if keyword == "anyOf" { node.anyOf = compiled } else { node.oneOf = compiled }
            case "pattern":
                guard case .string(let pattern) = argument else { throw JSONSchemaError("'pattern' must be a string", at: path) }
                guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                    throw JSONSchemaError("invalid pattern \(argument.serialized)", at: path)
                }
                node.pattern = pattern
            case "format":
                guard case .string(let name) = argument else { throw JSONSchemaError("'format' must be a string", at: path) }
                guard let format = StringFormat(rawValue: name) else {
                    let supported = StringFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    throw JSONSchemaError("unsupported format \(shown(name)) (supported: \(supported))", at: path)
                }
                node.format = format
            default:
                throw JSONSchemaError("unsupported keyword \(shown(keyword))", at: path)
            }
        }

        if let properties = node.properties, let required = node.required {
            for name in required where !properties.contains(where: { $0.name == name }) {
                throw JSONSchemaError("required property \(shown(name)) is not among the properties", at: path)
            }
        }
        nodes[index] = node
        return index
    }

    /// The subschema a `$ref` names, read now if it has not been yet.
    private mutating func resolve(_ reference: String, at path: String) throws -> Int {
        if let target = targets[reference] { return target }
        guard reference.hasPrefix("#/") else {
            throw JSONSchemaError("unsupported $ref \(shown(reference)): only '#/...' pointers into this document", at: path)
        }
        var target = document
        var targetPath = JSONPath.root
        for rawToken in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let token = String(rawToken).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch target {
            case .object(let object):
                guard let next = object[token] else { throw JSONSchemaError("cannot resolve $ref \(shown(reference))", at: path) }
                target = next
                targetPath = JSONPath.appending(key: token, to: targetPath)
            case .array(let elements):
                guard let i = Int(token), elements.indices.contains(i) else {
                    throw JSONSchemaError("cannot resolve $ref \(shown(reference))", at: path)
                }
                target = elements[i]
                targetPath = JSONPath.appending(index: i, to: targetPath)
            default:
                throw JSONSchemaError("cannot resolve $ref \(shown(reference))", at: path)
            }
        }
        // Register before reading, so a cycle back to this reference ends here.
        targets[reference] = nodes.count
        return try compile(target, path: targetPath, pointer: reference)
    }

    private static func escapePointerToken(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private static func count(_ value: JSONValue, _ keyword: String, at path: String) throws -> Int {
        guard case .number(let n) = value, n.isIntegerLiteral, let v = n.int64Value, v >= 0, v <= Int64(Int32.max) else {
            throw JSONSchemaError("\(shown(keyword)) must be a non-negative integer", at: path)
        }
        return Int(v)
    }

    private static func number(_ value: JSONValue, _ keyword: String, at path: String) throws -> JSONNumber {
        guard case .number(let n) = value, n.doubleValue.isFinite else {
            throw JSONSchemaError("\(shown(keyword)) must be a number", at: path)
        }
        return n
    }

    /// A `$ref` or alternative that leads back to itself without entering a property or an item
    /// describes no finite value: the grammar would be left-recursive and validation endless.
    private static func rejectCyclesWithoutProgress(in graph: SchemaGraph) throws {
        var state = [UInt8](repeating: 0, count: graph.nodes.count)  // 0 new, 1 on the path, 2 done
        func visit(_ index: Int) throws {
            if state[index] == 2 { return }
            if state[index] == 1 {
                throw JSONSchemaError("$ref cycle that never reaches a value", at: graph.nodes[index].path)
            }
            state[index] = 1
            let node = graph.nodes[index]
            for next in [node.ref?.target].compactMap({ $0 }) + (node.anyOf ?? []) + (node.oneOf ?? []) {
                try visit(next)
            }
            state[index] = 2
        }
        for index in graph.nodes.indices { try visit(index) }
    }
}

