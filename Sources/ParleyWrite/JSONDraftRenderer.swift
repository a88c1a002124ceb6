import Foundation
import ParleyCore

/// Turns a structured template's JSON answer (see `DraftSchema`) into the text the user gets:
/// "Subject: ..." or a title line, the sections as headings or labels, the items numbered from 1
/// with their sub-points, the hashtags on the last line. The model writes the content; the program
/// writes the layout, so the layout is always right.
///
/// Tolerant of what a model that was not constrained writes: a string where a list was wanted
/// becomes one item per line, a list where a string was wanted is joined, hashtags get their `#`.
public enum JSONDraftRenderer {
    /// The text, or nil when the answer holds no JSON object with any of the structure's keys (the
    /// caller then treats the answer as text).
    public static func render(_ answer: String, structure: TemplateStructure, values: [String: String]) -> String? {
        guard let object = LenientJSON.object(in: answer) else { return nil }
        let known = ["subject", "title", "items", "hashtags"] + structure.sections.map(\.key)
        guard object.keys.contains(where: known.contains) else { return nil }
        var blocks: [String] = []
        if structure.subject != nil, let subject = text(object["subject"]), !subject.isEmpty {
            blocks.append("Subject: " + oneLine(subject))
        }
        if structure.title != nil, let title = text(object["title"]), !title.isEmpty {
            blocks.append(oneLine(title))
        }
        var inline: [String] = []
        for section in structure.sections {
            let name = TemplateStructure.fill(section.name, values)
            let body: String
            if section.isList {
                let entries = items(object[section.key])
                guard !entries.isEmpty else { continue }
                body = entries.map { "- " + oneLine($0) }.joined(separator: "\n")
            } else {
                guard let content = text(object[section.key]), !content.isEmpty else { continue }
                body = content
            }
            switch structure.labels {
            case .heading: blocks.append(name + "\n" + body)
            case .inline: inline.append(section.isList ? name + ":\n" + body : name + ": " + body)
            case .none: blocks.append(body)
            }
        }
        if !inline.isEmpty { blocks.append(inline.joined(separator: "\n")) }
        if let list = structure.list {
            let numbered = numberedItems(object["items"], subItems: list.subItems != nil)
            if !numbered.isEmpty { blocks.append(numbered) }
        }
        if structure.hashtags != nil {
            let tags = items(object["hashtags"]).flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "," }) }.map { tag in
                "#" + tag.drop { $0 == "#" }
            }.filter { $0.count > 1 }
            if !tags.isEmpty { blocks.append(tags.joined(separator: " ")) }
        }
        let rendered = blocks.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return rendered.isEmpty ? nil : rendered
    }

    private static func numberedItems(_ value: Any?, subItems: Bool) -> String {
        let entries: [Any] = (value as? [Any]) ?? items(value)
        var lines: [String] = []
        for entry in entries {
            if let object = entry as? [String: Any] {
                let point = text(object["point"]) ?? object.values.lazy.compactMap { text($0) }.first ?? ""
                guard !point.isEmpty else { continue }
                lines.append("\(lines.filter { !$0.hasPrefix(" ") }.count + 1). " + oneLine(point))
                if subItems { lines += items(object["sub_points"]).map { "   - " + oneLine($0) } }
            } else if let item = text(entry), !item.isEmpty {
                lines.append("\(lines.filter { !$0.hasPrefix(" ") }.count + 1). " + oneLine(item))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A string value, trimmed; a list of strings joined with spaces; a number as written.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string.trimmingCharacters(in: .whitespacesAndNewlines)
        case let list as [Any]: return list.compactMap { text($0) }.filter { !$0.isEmpty }.joined(separator: " ")
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// A list of strings; a single string is cut into its non-empty lines (without bullets).
    static func items(_ value: Any?) -> [String] {
        if let list = value as? [Any] { return list.compactMap { text($0) }.filter { !$0.isEmpty } }
        guard let string = value as? String else { return [] }
        return string.components(separatedBy: .newlines).map { line in
            line.trimmingCharacters(in: .whitespaces).drop { "-*\u{2022} ".contains($0) }.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    private static func oneLine(_ text: String) -> String {
        text.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
