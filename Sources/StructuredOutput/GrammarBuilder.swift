import Foundation

/// Writes the GBNF grammar for a schema graph: the same language llama.cpp's
/// json-schema-to-grammar produces for the same schema, with rules named differently.
///
/// How llama.cpp reads a schema, and so how this does: `$ref` wins over everything else beside
/// it, then `oneOf`/`anyOf`, then a list of types (one alternative per type, the other keywords
/// kept), then `const`, then `enum`, then `type`. Without a type, `properties` or a
/// non-`true` `additionalProperties` make an object, `items` an array, string keywords a
/// string, and nothing at all any value. Keywords that the grammar cannot express
/// (number bounds, `minLength` beside a `pattern`) are left to the validator, as llama.cpp
/// leaves them.
struct GrammarBuilder {
    private let graph: SchemaGraph
    private var names: [String] = []
    private var bodies: [String: String] = [:]
    /// The rule of each `$ref` target, so a recursive reference names the rule being written.
    private var referenceRules: [Int: String] = [:]

    init(graph: SchemaGraph) {
        self.graph = graph
    }

    mutating func build() throws -> String {
        define("space", GrammarPrimitives.space)
        let top = try visit(graph.root, typeOverride: nil, hint: "root")
        if top != "root" { define("root", top) }
        var lines = ["root ::= \(bodies["root"]!)"]
        for name in names where name != "root" { lines.append("\(name) ::= \(bodies[name]!)") }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Rules

    private mutating func define(_ name: String, _ body: String) {
        if bodies[name] == nil { names.append(name) }
        bodies[name] = body
    }

    /// Adds a rule named after `hint` and returns its name: a rule with the same name and body
    /// is shared, a different body gets a numbered name.
    private mutating func addRule(_ hint: String, _ body: String) -> String {
        var base = hint.replacingOccurrences(of: "[^a-zA-Z0-9-]+", with: "-", options: .regularExpression)
        if base != "root" && GrammarPrimitives.reservedNames.contains(base) { base += "-" }
        var name = base
        var counter = 0
        while let existing = bodies[name], existing != body {
            name = base + String(counter)
            counter += 1
        }
        define(name, body)
        return name
    }

    /// Adds a fixed rule and the fixed rules it uses; returns its name.
    private mutating func primitive(_ name: String) -> String {
        guard bodies[name] == nil, let rule = GrammarPrimitives.rules[name] else { return name }
        define(name, rule.body)
        for dependency in rule.dependencies { _ = primitive(dependency) }
        return name
    }

    // MARK: - Schemas

    private mutating func visit(_ index: Int, typeOverride: String?, hint: String) throws -> String {
        let node = graph.nodes[index]
        if let reference = node.ref {
            return try referenceRule(reference)
        }
        if let alternatives = node.oneOf ?? node.anyOf {
            var rules: [String] = []
            for (i, alternative) in alternatives.enumerated() {
                rules.append(try visit(alternative, typeOverride: nil, hint: "\(hint)-\(i)"))
            }
            return addRule(hint, rules.joined(separator: " | "))
        }
        if typeOverride == nil, node.typeIsList, let types = node.types {
            var rules: [String] = []
            for (i, type) in types.enumerated() {
                rules.append(try visit(index, typeOverride: type, hint: "\(hint)-\(i)"))
            }
            return addRule(hint, rules.joined(separator: " | "))
        }
        if let value = node.constValue {
            return addRule(hint, GrammarPrimitives.literal(value.serialized))
        }
        if let values = node.enumValues {
            return addRule(hint, "(" + values.map { GrammarPrimitives.literal($0.serialized) }.joined(separator: " | ") + ")")
        }
        switch typeOverride ?? node.types?.first {
        case "object"?: return try object(node, hint: hint)
        case "array"?: return try array(node, hint: hint)
        case "string"?: return try string(node, hint: hint)
        case "integer"?: return try integer(node, hint: hint)
        case "number"?: return primitive("number")
        case "boolean"?: return primitive("boolean")
        case "null"?: return primitive("null")
        default:
            if node.impliesObject { return try object(node, hint: hint) }
            if node.items != nil || node.prefixItems != nil { return try array(node, hint: hint) }
            if node.impliesString { return try string(node, hint: hint) }
            return primitive("value")
        }
    }

    private mutating func referenceRule(_ reference: SchemaNode.Reference) throws -> String {
        if let name = referenceRules[reference.target] { return name }
        // A placeholder body unique to this target reserves the name while the target is written.
        let name = addRule("ref-" + reference.pointer.dropFirst(2), "\u{0}\(reference.target)")
        referenceRules[reference.target] = name
        define(name, try visit(reference.target, typeOverride: nil, hint: name + "-value"))
        return name
    }

    private mutating func object(_ node: SchemaNode, hint: String) throws -> String {
        // An absent additionalProperties allows other keys only when properties is absent too.
        var extra: Int??
        switch node.additionalProperties {
        case .absent: extra = node.properties == nil ? .some(nil) : nil
        case .allowed(let allowed): extra = allowed ? .some(nil) : nil
        case .schema(let index): extra = graph.nodes[index].isUnconstrained ? .some(nil) : .some(index)
        }
        let properties = node.properties ?? []
        if properties.isEmpty, case .some(nil) = extra {
            return addRule(hint, primitive("object"))
        }

        let required = Set(node.required ?? [])
        var requiredPairs: [String] = []
        var optionalPairs: [(name: String, rule: String, repeats: Bool)] = []
        for property in properties {
            let value = try visit(property.node, typeOverride: nil, hint: "\(hint)-\(property.name)")
            let pair = addRule(
                "\(hint)-\(property.name)-kv",
                GrammarPrimitives.literal(JSONWriter.quoted(property.name)) + #" space ":" space "# + value)
            if required.contains(property.name) {
                requiredPairs.append(pair)
            } else {
                optionalPairs.append((property.name, pair, false))
            }
        }
        if case .some(let schema) = extra {
            let value = try schema.map { try visit($0, typeOverride: nil, hint: "\(hint)-additional-value") } ?? primitive("value")
            let key =
                properties.isEmpty
                ? primitive("string")
                : addRule("\(hint)-additional-k", try excludedKeys(properties.map(\.name), at: node.path, character: primitive("char")))
            optionalPairs.append(("additional", addRule("\(hint)-additional-kv", key + #" ":" space "# + value), true))
        }
        if requiredPairs.isEmpty && optionalPairs.isEmpty {
            return addRule(hint, #""{" space "}""#)
        }

        var body = #""{" space "# + requiredPairs.joined(separator: #" "," space "#)
        if !optionalPairs.isEmpty {
            // Optional members come after the required ones, in schema order, any of them
            // left out; additional members come last. One alternative per first optional member.
            var rests: [String?] = Array(repeating: nil, count: optionalPairs.count + 1)
            for i in stride(from: optionalPairs.count - 1, through: 1, by: -1) {
                let pair = optionalPairs[i]
                var rest = #"( "," space "# + pair.rule + (pair.repeats ? " )*" : " )?")
                if let after = rests[i + 1] { rest += " " + after }
                rests[i] = addRule("\(hint)-\(optionalPairs[i - 1].name)-rest", rest)
            }
            var alternatives: [String] = []
            for (i, pair) in optionalPairs.enumerated() {
                var alternative = pair.rule
                if pair.repeats { alternative += #" ( "," space "# + pair.rule + " )*" }
                if let after = rests[i + 1] { alternative += " " + after }
                alternatives.append(alternative)
            }
            let choice = alternatives.joined(separator: " | ")
            body += requiredPairs.isEmpty ? " (" + choice + ")?" : #" ( "," space ( "# + choice + " ) )?"
        }
        return addRule(hint, body + #" space "}""#)
    }

    /// A JSON string that is none of `names`, built over their characters as llama.cpp builds
    /// it, so it refuses the same keys: each name, and also every proper prefix of a name that
    /// is not itself a name (a quirk kept for equal output), and it accepts escaped spellings of
    /// the names.
    private func excludedKeys(_ names: [String], at path: String, character: String) throws -> String {
        final class TrieNode {
            var children: [UInt32: TrieNode] = [:]
            var isEnd = false
        }
        let root = TrieNode()
        for name in names {
            var node = root
            for scalar in name.unicodeScalars {
                // Written raw inside [...] as llama.cpp writes them, these would break the class.
                if scalar == "\\" || scalar == "]" || scalar == "^" {
                    throw JSONSchemaError(
                        "property name \(JSONWriter.quoted(name)) has '\(scalar)', which cannot be excluded from other keys; set additionalProperties to false",
                        at: path)
                }
                if let next = node.children[scalar.value] {
                    node = next
                } else {
                    let next = TrieNode()
                    node.children[scalar.value] = next
                    node = next
                }
            }
            node.isEnd = true
        }
        func text(_ value: UInt32) -> String { String(Character(Unicode.Scalar(value)!)) }
        func alternatives(_ node: TrieNode) -> String {
            let keys = node.children.keys.sorted()
            var parts: [String] = []
            for key in keys {
                let child = node.children[key]!
                parts.append("[" + text(key) + "]" + (child.children.isEmpty ? " \(character)+" : " (" + alternatives(child) + ")"))
            }
            if !keys.isEmpty {
                parts.append(#"[^""# + keys.map(text).joined() + "] \(character)*")
            }
            return parts.joined(separator: " | ")
        }
        return #"["] ( "# + alternatives(root) + " )" + (root.isEnd ? "" : "?") + #" ["]"#
    }

    private mutating func array(_ node: SchemaNode, hint: String) throws -> String {
        if let tuple = node.prefixItems {
            // llama.cpp reads `prefixItems` as a tuple of exactly those items and, given `items`
            // as well, ignores the tuple; that second reading would silently drop a constraint.
            guard node.items == nil else {
                throw JSONSchemaError("'prefixItems' together with 'items' is not supported", at: node.path)
            }
            var elements: [String] = []
            for (i, index) in tuple.enumerated() {
                elements.append(try visit(index, typeOverride: nil, hint: "\(hint)-\(i)"))
            }
            return addRule(hint, #""[" space "# + elements.joined(separator: #" "," space "#) + #" space "]""#)
        }
        let minimum = node.minItems ?? 0
        if let maximum = node.maxItems, maximum < minimum {
            throw JSONSchemaError("minItems \(minimum) is greater than maxItems \(maximum)", at: node.path)
        }
        let itemsAreAny = node.items.map { graph.nodes[$0].isUnconstrained } ?? true
        if itemsAreAny && minimum == 0 && node.maxItems == nil {
            return primitive("array")
        }
        let item = itemsAreAny ? primitive("value") : try visit(node.items!, typeOverride: nil, hint: "\(hint)-item")
        let repeated = GrammarPrimitives.repetition(item, minimum: minimum, maximum: node.maxItems, separator: #""," space"#)
        return addRule(hint, #""[" space "# + repeated + #" space "]""#)
    }

    private mutating func string(_ node: SchemaNode, hint: String) throws -> String {
        if let pattern = node.pattern {
            do {
                return addRule(hint, try PatternGrammar.body(for: pattern))
            } catch {
                throw JSONSchemaError(
                    "pattern \(JSONWriter.quoted(pattern)) cannot be converted to a grammar: \(error.reason)", at: node.path)
            }
        }
        switch node.format {
        case .uuid?: return primitive("uuid")
        case .date?: return primitive("date-string")
        case .time?: return primitive("time-string")
        case .dateTime?: return primitive("date-time-string")
        case nil: break
        }
        let minimum = node.minLength ?? 0
        guard minimum > 0 || node.maxLength != nil else { return primitive("string") }
        if let maximum = node.maxLength, maximum < minimum {
            throw JSONSchemaError("minLength \(minimum) is greater than maxLength \(maximum)", at: node.path)
        }
        let characters = GrammarPrimitives.repetition(primitive("char"), minimum: minimum, maximum: node.maxLength)
        return addRule(hint, #""\"" "# + characters + #" "\"""#)
    }

    private mutating func integer(_ node: SchemaNode, hint: String) throws -> String {
        // As llama.cpp: minimum wins over exclusiveMinimum (likewise for the maximum), and a
        // fractional bound is rounded inwards.
        func bound(_ number: JSONNumber?, _ keyword: String, roundUp: Bool, offset: Int64) throws -> Int64? {
            guard let number else { return nil }
            let rounded = roundUp ? number.doubleValue.rounded(.up) : number.doubleValue.rounded(.down)
            let whole = number.isIntegerLiteral ? number.int64Value : nil
            guard let base = whole ?? (Swift.abs(rounded) <= 1e16 ? Int64(rounded) : nil),
                Swift.abs(base + offset) <= IntegerRangeGrammar.largestBound
            else {
                throw JSONSchemaError("\(keyword) \(number) is too large for an integer grammar (at most 15 digits)", at: node.path)
            }
            return base + offset
        }
        let minimum =
            try node.minimum.map { try bound($0, "minimum", roundUp: true, offset: 0) }
            ?? bound(node.exclusiveMinimum, "exclusiveMinimum", roundUp: false, offset: 1)
        let maximum =
            try node.maximum.map { try bound($0, "maximum", roundUp: false, offset: 0) }
            ?? bound(node.exclusiveMaximum, "exclusiveMaximum", roundUp: true, offset: -1)
        guard minimum != nil || maximum != nil else {
            return primitive("integer")
        }
        if let minimum, let maximum, minimum > maximum {
            throw JSONSchemaError("no integer lies between \(minimum) and \(maximum)", at: node.path)
        }
        return addRule(hint, "(" + IntegerRangeGrammar.body(minimum: minimum, maximum: maximum) + ")")
    }
}
