import Foundation
import ParleyCore

/// The JSON schema a structured template's drafts are generated under, made from its structure
/// rules: a subject or title string, one property per section (a string, or an array of strings for
/// a list section), `items` for the numbered list (strings, or `point` with `sub_points`) and
/// `hashtags`. Properties are written in the order the text shows them, because a constrained
/// model writes them in schema order. `JSONDraftRenderer` turns the answer back into text.
public enum DraftSchema {
    /// The response format for `structure` with these field values (counts may come from a
    /// field), or nil when the template writes plain text.
    public static func format(template: WritingTemplate, values: [String: String]) -> ResponseFormat? {
        guard template.structure.output == .json else { return nil }
        return .jsonSchema(name: ResponseFormat.schemaName(from: template.name), schema: schema(template.structure, values: values))
    }

    /// The longest line (a subject, a title, an item, a sub-point) and the longest section text,
    /// in characters. A small model held inside a string by the grammar (it wanted to close the
    /// list early) runs on; the limits end that, and `JSONDraftRenderer` trims what they cut.
    public static let lineLength = 100
    public static let textLength = 600

    /// The longest slogan-like item: eight characters a word allowed.
    static func itemLength(_ list: TemplateStructure.ListRule) -> Int {
        list.maxWords.map { $0 * 8 } ?? lineLength
    }

    /// The schema as JSON text.
    public static func schema(_ structure: TemplateStructure, values: [String: String]) -> String {
        var properties: [(String, String)] = []
        let line = string(max: lineLength)
        let text = string(max: textLength)
        if structure.subject != nil { properties.append(("subject", line)) }
        if structure.title != nil { properties.append(("title", line)) }
        for section in structure.sections {
            properties.append((section.key, section.isList ? array(of: line, count: 1...6) : text))
        }
        if let list = structure.list {
            var item = string(max: itemLength(list))
            if let sub = list.subItems {
                item = object([("point", line), ("sub_points", array(of: line, count: sub))])
            }
            properties.append(("items", array(of: item, count: list.itemRange(values: values))))
        }
        if let most = structure.hashtags {
            properties.append(("hashtags", array(of: string(max: 30), count: 1...most)))
        }
        return object(properties)
    }

    private static func string(max: Int) -> String {
        #"{"type":"string","minLength":1,"maxLength":\#(max)}"#
    }

    private static func object(_ properties: [(String, String)]) -> String {
        let body = properties.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",")
        let required = properties.map { quoted($0.0) }.joined(separator: ",")
        return #"{"type":"object","properties":{\#(body)},"required":[\#(required)],"additionalProperties":false}"#
    }

    private static func array(of item: String, count: ClosedRange<Int>) -> String {
        #"{"type":"array","items":\#(item),"minItems":\#(count.lowerBound),"maxItems":\#(count.upperBound)}"#
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
