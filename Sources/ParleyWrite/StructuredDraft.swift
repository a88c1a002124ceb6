import Foundation

/// The content of a structured template's answer, cleaned (see `JSONDraftRenderer.read`): what
/// the program lays out as text, and writes back as JSON in schema order when the draft is revised
/// (so the model edits the JSON it would write rather than text it must turn into JSON).
public struct StructuredDraft: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case text(String)
        case items([String])
    }

    public struct Item: Sendable, Equatable {
        public var point: String
        public var subPoints: [String] = []
    }

    public var subject: String?
    public var title: String?
    /// By section key.
    public var sections: [String: Content] = [:]
    public var items: [Item] = []
    public var hashtags: [String] = []

    /// The text the user gets: "Subject: ..." or a title line, the sections as headings or labels,
    /// the items numbered from 1 with their sub-points, the hashtags on the last line; nil when
    /// nothing is left.
    public func text(structure: TemplateStructure, values: [String: String]) -> String? {
        var blocks: [String] = []
        if let subject, !subject.isEmpty { blocks.append("Subject: " + subject) }
        if let title, !title.isEmpty { blocks.append(title) }
        var inline: [String] = []
        for section in structure.sections {
            let name = TemplateStructure.fill(section.name, values)
            let body: String
            switch sections[section.key] {
            case .items(let entries)? where !entries.isEmpty: body = entries.map { "- " + $0 }.joined(separator: "\n")
            case .text(let content)? where !content.isEmpty: body = content
            default: continue
            }
            switch structure.labels(of: section) {
            case .heading: blocks.append(name + "\n" + body)
            case .inline: inline.append(section.isList ? name + ":\n" + body : name + ": " + body)
            case .none: blocks.append(body)
            }
        }
        if !inline.isEmpty { blocks.append(inline.joined(separator: "\n")) }
        let numbered = items.enumerated().map { index, item in
            (["\(index + 1). " + item.point] + item.subPoints.map { "   - " + $0 }).joined(separator: "\n")
        }
        if !numbered.isEmpty { blocks.append(numbered.joined(separator: "\n")) }
        if !hashtags.isEmpty { blocks.append(hashtags.joined(separator: " ")) }
        let text = blocks.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The content as one line of JSON, keys in the schema's order.
    public func json(structure: TemplateStructure) -> String {
        var pairs: [String] = []
        func add(_ key: String, _ value: String) { pairs.append(Self.quoted(key) + ": " + value) }
        if structure.subject != nil { add("subject", Self.quoted(subject ?? "")) }
        if structure.title != nil { add("title", Self.quoted(title ?? "")) }
        for section in structure.sections {
            switch sections[section.key] {
            case .items(let entries)?: add(section.key, Self.list(entries))
            case .text(let content)?: add(section.key, Self.quoted(content))
            case nil: add(section.key, section.isList ? "[]" : "\"\"")
            }
        }
        if let list = structure.list {
            let entries = items.map { item in
                list.subItems == nil ? Self.quoted(item.point)
                    : "{\"point\": \(Self.quoted(item.point)), \"sub_points\": \(Self.list(item.subPoints))}"
            }
            add("items", "[" + entries.joined(separator: ", ") + "]")
        }
        if structure.hashtags != nil { add("hashtags", Self.list(hashtags)) }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    private static func list(_ strings: [String]) -> String { "[" + strings.map(quoted).joined(separator: ", ") + "]" }

    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
