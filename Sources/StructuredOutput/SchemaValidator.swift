import Foundation

/// Checks an instance against a schema graph with JSON Schema's meaning of each keyword.
///
/// Unlike the grammar, which follows llama.cpp's reading, every keyword present applies here
/// (a `$ref` and the keywords beside it, `const` and `type` together, number bounds), and
/// `additionalProperties` left out allows other keys, as JSON Schema says. Text the grammar
/// accepts therefore passes here except where llama.cpp's grammar is wider than the schema:
/// number bounds, patterns beside length limits, llama.cpp's integer range quirks.
struct SchemaValidator {
    private let graph: SchemaGraph
    private var expressions: [String: NSRegularExpression] = [:]
    private(set) var violations: [SchemaViolation] = []

    init(graph: SchemaGraph) {
        self.graph = graph
    }

    mutating func check(_ value: JSONValue, against index: Int, at path: String) {
        let node = graph.nodes[index]
        if let reference = node.ref {
            check(value, against: reference.target, at: path)
        }
        if let types = node.types, !types.contains(where: { SchemaValidator.value(value, hasType: $0) }) {
            let expected = types.count == 1 ? types[0] : "one of " + types.joined(separator: ", ")
            report(path, "expected \(expected), got \(value.kindName)")
        }
        if let constant = node.constValue, constant != value {
            report(path, "must be \(SchemaValidator.shortened(constant.serialized))")
        }
        if let values = node.enumValues, !values.contains(value) {
            report(path, "must be one of \(SchemaValidator.shortened(JSONValue.array(values).serialized))")
        }
        if let alternatives = node.anyOf {
            let matching = matches(value, alternatives, at: path)
            if matching.isEmpty { report(path, "matches none of the \(alternatives.count) schemas in anyOf") }
        }
        if let alternatives = node.oneOf {
            let matching = matches(value, alternatives, at: path)
            if matching.isEmpty {
                report(path, "matches none of the \(alternatives.count) schemas in oneOf")
            } else if matching.count > 1 {
                report(path, "matches \(matching.count) schemas in oneOf (\(matching.map(String.init).joined(separator: ", "))), not exactly one")
            }
        }
        switch value {
        case .object(let object): checkObject(object, node, at: path)
        case .array(let elements): checkArray(elements, node, at: path)
        case .string(let text): checkString(text, node, at: path)
        case .number(let number): checkNumber(number, node, at: path)
        case .null, .bool: break
        }
    }

    private mutating func report(_ path: String, _ message: String) {
        violations.append(SchemaViolation(path: path, message: message))
    }

    /// The indices of the alternatives `value` satisfies.
    private mutating func matches(_ value: JSONValue, _ alternatives: [Int], at path: String) -> [Int] {
        var matching: [Int] = []
        for (i, alternative) in alternatives.enumerated() {
            var inner = SchemaValidator(graph: graph)
            inner.expressions = expressions
            inner.check(value, against: alternative, at: path)
            expressions = inner.expressions
            if inner.violations.isEmpty { matching.append(i) }
        }
        return matching
    }

    private mutating func checkObject(_ object: JSONObject, _ node: SchemaNode, at path: String) {
        for name in node.required ?? [] where !object.contains(name) {
            report(path, "missing required property \(JSONWriter.quoted(name))")
        }
        let properties = node.properties ?? []
        for (key, member) in object {
            let memberPath = JSONPath.appending(key: key, to: path)
            if let property = properties.first(where: { $0.name == key }) {
                check(member, against: property.node, at: memberPath)
                continue
            }
            switch node.additionalProperties {
            case .absent, .allowed(true): break
            case .allowed(false): report(memberPath, "property not allowed")
            case .schema(let index): check(member, against: index, at: memberPath)
            }
        }
    }

    private mutating func checkArray(_ elements: [JSONValue], _ node: SchemaNode, at path: String) {
        if let tuple = node.prefixItems {
            // As the grammar has it: exactly the tuple's items.
            if elements.count != tuple.count { report(path, "has \(elements.count) items, exactly \(tuple.count) required") }
            for (i, (element, index)) in zip(elements, tuple).enumerated() {
                check(element, against: index, at: JSONPath.appending(index: i, to: path))
            }
        }
        if let minimum = node.minItems, elements.count < minimum {
            report(path, "has \(elements.count) items, at least \(minimum) required")
        }
        if let maximum = node.maxItems, elements.count > maximum {
            report(path, "has \(elements.count) items, at most \(maximum) allowed")
        }
        if let items = node.items {
            for (i, element) in elements.enumerated() {
                check(element, against: items, at: JSONPath.appending(index: i, to: path))
            }
        }
    }

    private mutating func checkString(_ text: String, _ node: SchemaNode, at path: String) {
        // JSON Schema counts length in code points.
        let length = text.unicodeScalars.count
        if let minimum = node.minLength, length < minimum {
            report(path, "is \(length) characters long, at least \(minimum) required")
        }
        if let maximum = node.maxLength, length > maximum {
            report(path, "is \(length) characters long, at most \(maximum) allowed")
        }
        if let pattern = node.pattern, let expression = expression(for: pattern) {
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            if expression.firstMatch(in: text, options: [], range: range) == nil {
                report(path, "does not match the pattern \(JSONWriter.quoted(pattern))")
            }
        }
        if let format = node.format, !format.accepts(text) {
            report(path, "is not a valid \(format.rawValue)")
        }
    }

    private mutating func checkNumber(_ number: JSONNumber, _ node: SchemaNode, at path: String) {
        if let bound = node.minimum, number.compare(bound) == .less {
            report(path, "must be at least \(bound)")
        }
        if let bound = node.maximum, number.compare(bound) == .greater {
            report(path, "must be at most \(bound)")
        }
        if let bound = node.exclusiveMinimum, number.compare(bound) != .greater {
            report(path, "must be greater than \(bound)")
        }
        if let bound = node.exclusiveMaximum, number.compare(bound) != .less {
            report(path, "must be less than \(bound)")
        }
    }

    private mutating func expression(for pattern: String) -> NSRegularExpression? {
        if let cached = expressions[pattern] { return cached }
        let compiled = try? NSRegularExpression(pattern: pattern)
        expressions[pattern] = compiled
        return compiled
    }

    private static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
            ("object", .object):
            return true
        case ("integer", .number(let n)): return n.isIntegral
        default: return false
        }
    }

    /// Long values are cut so a message stays one readable line.
    private static func shortened(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }
}
