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
    /// `pinning`: values the answer must carry, each pinned at the start of one of its strings (see
    /// `schema`).
    public static func format(template: WritingTemplate, values: [String: String], pinning: [String] = []) -> ResponseFormat? {
        guard template.structure.output == .json else { return nil }
        return .jsonSchema(
            name: ResponseFormat.schemaName(from: template.name), schema: schema(template.structure, values: values, pinning: pinning))
    }

    /// The longest line (a subject, a title, an item, a sub-point) and the longest section text,
    /// in characters. A small model held inside a string by the grammar (it wanted to close the
    /// list early) runs on; the limits end that, and `JSONDraftRenderer` trims what they cut.
    public static let lineLength = 100
    public static let textLength = 600
    /// The longest string that starts with a pinned value.
    public static let pinnedLength = 200

    /// The longest slogan-like item: eight characters a word allowed.
    static func itemLength(_ list: TemplateStructure.ListRule) -> Int {
        list.maxWords.map { $0 * 8 } ?? lineLength
    }

    /// The schema as JSON text.
    ///
    /// `pinning` is for a second attempt at an answer that left out values the user gave: each
    /// value starts one of the answer's strings, in order the subject or title, the sections (a
    /// list section's first line) and the list's first item, one value each. A small model asked
    /// again in words still leaves a name out as often as not; held by the grammar it cannot, and
    /// it goes on from the value it was given. Values that cannot be pinned (too long, or with
    /// quotes, backslashes or line breaks) are left to the words of the request.
    public static func schema(_ structure: TemplateStructure, values: [String: String], pinning: [String] = []) -> String {
        var pins = pinning.compactMap(pinnable)[...]
        func next(max: Int) -> String? {
            // Shorter than a free section: past the value, a small model held in a string runs on.
            let room = min(max, pinnedLength)
            guard let value = pins.first, value.count + 10 <= room else { return nil }
            pins.removeFirst()
            return pinned(value, max: room)
        }
        var properties: [(String, String)] = []
        let line = string(max: lineLength)
        let text = string(max: textLength)
        if structure.subject != nil { properties.append(("subject", next(max: lineLength) ?? line)) }
        if structure.title != nil { properties.append(("title", next(max: lineLength) ?? line)) }
        for (index, section) in structure.sections.enumerated() {
            // With a summary line, the first section is that line: the grammar holds it to length.
            let limit = index == 0 && structure.subject == nil && structure.title == nil ? structure.summaryLine : nil
            if section.isList {
                properties.append((section.key, next(max: lineLength).map { tuple(first: $0, then: line, count: 2) } ?? array(of: line, count: 1...6)))
            } else {
                let most = limit ?? textLength
                properties.append((section.key, next(max: most) ?? string(max: most)))
            }
        }
        if let list = structure.list {
            let count = list.itemRange(values: values)
            var item = string(max: itemLength(list))
            var first: String?
            if let sub = list.subItems {
                item = object([("point", line), ("sub_points", array(of: line, count: sub))])
                first = next(max: lineLength).map { object([("point", $0), ("sub_points", array(of: line, count: sub))]) }
            } else {
                first = next(max: itemLength(list))
            }
            properties.append(("items", first.map { tuple(first: $0, then: item, count: max(1, count.lowerBound)) } ?? array(of: item, count: count)))
        }
        if let most = structure.hashtags {
            properties.append(("hashtags", array(of: string(max: 30), count: 1...most)))
        }
        return object(properties)
    }

    /// A value as it can start a string: one line without quotes or backslashes (which a
    /// pattern would have to escape inside JSON), its first letter a capital.
    static func pinnable(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return trimmed.prefix(1).uppercased() + trimmed.dropFirst()
    }

    /// A string that starts with `value` and is at most `max` characters long.
    static func pinned(_ value: String, max: Int) -> String {
        // Not `.`, which would let a bare quote or backslash into the JSON string.
        let pattern = "^" + escapedForPattern(value) + #"[^"\\\n]{0,"# + "\(max - value.count)}$"
        return #"{"type":"string","pattern":"# + quoted(pattern) + "}"
    }

    /// `text` as literal characters of a regular expression.
    static func escapedForPattern(_ text: String) -> String {
        var result = ""
        for character in text {
            if "^$.|?*+()[]{}".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// An array of exactly `count` items, the first `first`, the others `then`.
    private static func tuple(first: String, then: String, count: Int) -> String {
        #"{"type":"array","prefixItems":[\#(([first] + Array(repeating: then, count: max(0, count - 1))).joined(separator: ","))]}"#
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
