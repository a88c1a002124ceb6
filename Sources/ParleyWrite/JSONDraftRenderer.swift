import Foundation
import ParleyCore

/// Turns a structured template's JSON answer (see `DraftSchema`) into the text the user gets:
/// "Subject: ..." or a title line, the sections as headings or labels, the items numbered from 1
/// with their sub-points, the hashtags on the last line. The model writes the content; the program
/// writes the layout, so the layout is always right.
///
/// Tolerant of what a model that was not constrained writes: a string where a list was wanted
/// becomes one item per line, a list where a string was wanted is joined, hashtags get their `#`.
/// And of what a constrained small model writes when the grammar keeps it inside a string it
/// wanted to close: the string is cut where JSON punctuation starts (`}] ]`) and, when it reached
/// its length limit, back to the last whole sentence or word; an item left empty is dropped.
public enum JSONDraftRenderer {
    /// The text, or nil when the answer holds no JSON object with any of the structure's keys (the
    /// caller then treats the answer as text).
    public static func render(_ answer: String, structure: TemplateStructure, values: [String: String]) -> String? {
        guard let object = LenientJSON.object(in: answer) else { return nil }
        let known = ["subject", "title", "items", "hashtags"] + structure.sections.map(\.key)
        guard object.keys.contains(where: known.contains) else { return nil }
        var blocks: [String] = []
        let line = DraftSchema.lineLength
        if structure.subject != nil, let subject = text(object["subject"], limit: line), !subject.isEmpty {
            blocks.append("Subject: " + oneLine(subject))
        }
        if structure.title != nil, let title = text(object["title"], limit: line), !title.isEmpty {
            blocks.append(oneLine(title))
        }
        var inline: [String] = []
        for section in structure.sections {
            let name = TemplateStructure.fill(section.name, values)
            let body: String
            if section.isList {
                let entries = items(object[section.key], limit: line)
                guard !entries.isEmpty else { continue }
                body = entries.map { "- " + oneLine($0) }.joined(separator: "\n")
            } else {
                guard let content = text(object[section.key], limit: DraftSchema.textLength), !content.isEmpty else { continue }
                body = content
            }
            switch structure.labels(of: section) {
            case .heading: blocks.append(name + "\n" + body)
            case .inline: inline.append(section.isList ? name + ":\n" + body : name + ": " + body)
            case .none: blocks.append(body)
            }
        }
        if !inline.isEmpty { blocks.append(inline.joined(separator: "\n")) }
        if let list = structure.list {
            let numbered = numberedItems(object["items"], list: list)
            if !numbered.isEmpty { blocks.append(numbered) }
        }
        if structure.hashtags != nil {
            let tags = items(object["hashtags"], limit: 30).flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "," }) }.map { tag in
                "#" + tag.drop { $0 == "#" }
            }.filter { $0.count > 1 }
            if !tags.isEmpty { blocks.append(tags.joined(separator: " ")) }
        }
        let rendered = blocks.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return rendered.isEmpty ? nil : rendered
    }

    private static func numberedItems(_ value: Any?, list: TemplateStructure.ListRule) -> String {
        let line = DraftSchema.lineLength
        let entries: [Any] = (value as? [Any]) ?? items(value, limit: line)
        var lines: [String] = []
        var number = 0
        for entry in entries {
            if let object = entry as? [String: Any] {
                let point = text(object["point"], limit: line) ?? object.values.lazy.compactMap { text($0, limit: line) }.first ?? ""
                guard !point.isEmpty else { continue }
                number += 1
                lines.append("\(number). " + oneLine(point))
                if list.subItems != nil { lines += items(object["sub_points"], limit: line).map { "   - " + oneLine($0) } }
            } else if let item = text(entry, limit: DraftSchema.itemLength(list)), !item.isEmpty {
                number += 1
                lines.append("\(number). " + oneLine(item))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A string value, cleaned; a list of strings joined with spaces; a number as written.
    static func text(_ value: Any?, limit: Int) -> String? {
        switch value {
        case let string as String: return clean(string, limit: limit)
        case let list as [Any]: return list.compactMap { text($0, limit: limit) }.filter { !$0.isEmpty }.joined(separator: " ")
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// A list of strings, each cleaned, the empty ones dropped; a single string is cut into its
    /// non-empty lines (without bullets).
    static func items(_ value: Any?, limit: Int) -> [String] {
        if let list = value as? [Any] { return list.compactMap { text($0, limit: limit) }.filter { !$0.isEmpty } }
        guard let string = value as? String else { return [] }
        return string.components(separatedBy: .newlines).map { line in
            clean(String(line.trimmingCharacters(in: .whitespaces).drop { "-*\u{2022} ".contains($0) }), limit: limit)
        }.filter { !$0.isEmpty }
    }

    /// JSON punctuation that never belongs in prose: where a model that wanted to close the
    /// structure went on inside the string instead.
    static let structureMarks = ["}]", "]}", "],", "},", "] ]", "} ]", "\"]", "\"}", "\",", "{\"", "[\""]

    /// The string cut at the first structure mark and, when it reached `limit` (the grammar ended
    /// it there, perhaps mid-word), back to its last sentence end, else its last whole word.
    static func clean(_ text: String, limit: Int) -> String {
        var result = text
        if let cut = structureMarks.compactMap({ result.range(of: $0)?.lowerBound }).min() {
            result = String(result[..<cut])
        }
        if text.count >= limit {
            if let end = result.lastIndex(where: { ".!?\u{3002}".contains($0) }), result.distance(from: result.startIndex, to: end) > result.count / 2 {
                result = String(result[...end])
            } else if let space = result.lastIndex(of: " ") {
                result = String(result[..<space])
            }
        }
        var trimmed = result.trimmingCharacters(in: .whitespacesAndNewlines)
        // A key the model wrote as a value ("sub_points:") and bare punctuation ("]") say nothing.
        if trimmed.hasSuffix(":"), !trimmed.contains(" ") { return "" }
        while let last = trimmed.last, ",;:-([{".contains(last) { trimmed.removeLast() }
        trimmed = trimmed.trimmingCharacters(in: .whitespaces)
        return trimmed.contains(where: { $0.isLetter || $0.isNumber }) ? trimmed : ""
    }

    private static func oneLine(_ text: String) -> String {
        text.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
