import Foundation
import StructuredOutput

/// The JSON schemas the decision flow asks under. The local backend turns each into a grammar that
/// constrains sampling, so every property the schema requires is written: no cell of the matrix can
/// come back unreadable. Servers get the same schema as a response format, and the engine validates
/// every reply against it.
///
/// Written for a 135M-parameter model: short strings (`maxLength`), small lists (`minItems`,
/// `maxItems`), integers in range, and one property per criterion named exactly as the criterion,
/// so names cannot be invented or misspelled. Property order is generation order: each cell's
/// "reason" comes before its "score", so the score is written after (and conditioned on) the reason.
public enum DecisionSchemas {
    public static let optionNameLength = 32
    public static let criterionNameLength = 24
    public static let pointLength = 48
    public static let reasonLength = 48
    public static let commentLength = 100

    /// Criteria the model picks from when it proposes them. Asked for free names, the default model
    /// named criteria after the options or the question ("Fly", "Decision"); picking from a list
    /// (an `enum`, which constrains sampling) gives usable ones. The user's own criteria are free.
    public static let englishCriteria = [
        "Cost", "Time", "Comfort", "Convenience", "Quality", "Health", "Safety", "Fun", "Career", "Flexibility",
        "Environment", "Risk", "Effort", "Social life", "Learning", "Reliability",
    ]
    public static let chineseCriteria = [
        "成本", "时间", "舒适", "方便", "质量", "健康", "安全", "乐趣", "前途", "灵活", "环保", "风险", "精力", "社交", "学习", "可靠",
    ]

    /// The list for a question: Chinese criteria for a question in Chinese, English otherwise.
    public static func criteriaVocabulary(for question: String) -> [String] {
        isChinese(question) ? chineseCriteria : englishCriteria
    }

    /// Whether the text has CJK ideographs (the answer will likely be in them too).
    public static func isChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
    }

    /// What the first step may ask for: more options, criteria with weights, and weights for the
    /// user's criteria that have none. Only the missing parts are properties; nil when nothing is.
    /// - Parameter vocabulary: the names criteria are picked from; nil lets the model name them.
    public static func setup(
        options: ClosedRange<Int>?, criteria: ClosedRange<Int>?, weightsFor unweighted: [String], vocabulary: [String]? = nil
    ) -> JSONValue? {
        var properties = JSONObject()
        if let options {
            properties["options"] = array(of: text(maxLength: optionNameLength), count: options)
        }
        if let criteria {
            let name: JSONValue = vocabulary.map { ["enum": .array($0.map { .string($0) })] } ?? text(maxLength: criterionNameLength)
            let criterion: JSONValue = object([
                ("name", name),
                ("weight", integer(DecisionCriterion.weightRange)),
            ])
            properties["criteria"] = array(of: criterion, count: criteria)
        }
        if !unweighted.isEmpty {
            properties["weights"] = object(unweighted.map { ($0, integer(DecisionCriterion.weightRange)) })
        }
        guard !properties.isEmpty else { return nil }
        return object(properties.members.map { ($0.key, $0.value) })
    }

    /// One option's pros and cons (when asked) and, for each criterion named, a one-line reason then
    /// a score. The criteria are properties of their own, in the order given.
    /// - Parameter compact: a third of the text lengths, for Chinese (and other CJK) text, where the
    ///   default model spends several tokens on each character.
    public static func option(prosAndCons: Bool, criteria: [String], compact: Bool = false) -> JSONValue? {
        let point = compact ? pointLength / 3 : pointLength, reason = compact ? reasonLength / 3 : reasonLength
        var members: [(String, JSONValue)] = []
        if prosAndCons {
            // One of each: every point costs the default model a second or more.
            members.append(("pros", array(of: text(maxLength: point), count: 1...1)))
            members.append(("cons", array(of: text(maxLength: point), count: 1...1)))
        }
        if !criteria.isEmpty {
            let cell = object([("reason", text(maxLength: reason)), ("score", integer(DecisionScore.valueRange))])
            members.append(("scores", object(criteria.map { ($0, cell) })))
        }
        // Spelled out: in a conditional expression a bare `nil` would become JSON's null.
        guard !members.isEmpty else { return Optional<JSONValue>.none }
        return object(members)
    }

    /// The model's comment on the result: a short reason, then the option it picks (one of `options`).
    public static func recommendation(options: [String], compact: Bool = false) -> JSONValue {
        object([
            ("reason", text(maxLength: compact ? commentLength / 3 : commentLength)),
            ("choice", ["enum": .array(options.map { .string($0) })]),
        ])
    }

    // MARK: - Building blocks

    static func text(maxLength: Int) -> JSONValue {
        ["type": "string", "minLength": 1, "maxLength": .number(JSONNumber(maxLength))]
    }

    static func integer(_ range: ClosedRange<Int>) -> JSONValue {
        ["type": "integer", "minimum": .number(JSONNumber(range.lowerBound)), "maximum": .number(JSONNumber(range.upperBound))]
    }

    static func array(of items: JSONValue, count: ClosedRange<Int>) -> JSONValue {
        [
            "type": "array", "items": items,
            "minItems": .number(JSONNumber(count.lowerBound)), "maxItems": .number(JSONNumber(count.upperBound)),
        ]
    }

    /// An object whose members are all required and nothing else is allowed, in the given order.
    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        var properties = JSONObject()
        for (name, schema) in members { properties[name] = schema }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(members.map { .string($0.0) }), "additionalProperties": false,
        ]
    }
}
