import Foundation

/// Reads the `structure:` mapping of a template's front matter (see `TemplateStructure`). Every
/// mistake names the key and what it takes, so a template author fixes it from the message alone.
struct TemplateStructureReader {
    struct Problem: Error {
        var text: String
    }

    static let keys = [
        "output", "subject", "sign-off", "greeting", "title", "sections", "labels", "list", "code-block", "comment", "hashtags", "summary-line",
        "paragraphs", "shorter-than",
    ]

    func read(_ value: Any?) throws(Problem) -> TemplateStructure {
        guard let value else { return TemplateStructure() }
        guard let map = value as? [String: Any] else { throw Problem(text: "'structure' must be a mapping of rules (\(Self.keys.joined(separator: ", ")))") }
        if let unknown = map.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw Problem(text: "structure: unknown rule '\(unknown)' (known: \(Self.keys.joined(separator: ", ")))")
        }
        var structure = TemplateStructure()
        if let output = map["output"] {
            guard let text = output as? String, let parsed = TemplateStructure.Output(rawValue: text) else {
                throw Problem(text: "structure: output must be text or json")
            }
            structure.output = parsed
        }
        structure.subject = try text(map["subject"], "subject")
        structure.signOff = try text(map["sign-off"], "sign-off")
        structure.greeting = try text(map["greeting"], "greeting")
        structure.title = try text(map["title"], "title")
        structure.sections = try sections(map["sections"])
        if let labels = map["labels"] {
            guard let text = labels as? String, let parsed = TemplateStructure.Labels(rawValue: text) else {
                throw Problem(text: "structure: labels must be heading, inline or none")
            }
            structure.labels = parsed
        }
        structure.list = try list(map["list"])
        structure.codeBlock = try flag(map["code-block"], "code-block")
        structure.comment = try flag(map["comment"], "comment")
        structure.hashtags = try number(map["hashtags"], "hashtags")
        structure.summaryLine = try number(map["summary-line"], "summary-line")
        structure.paragraphs = try number(map["paragraphs"], "paragraphs")
        structure.shorterThan = try text(map["shorter-than"], "shorter-than")
        if structure.output == .json && structure.sections.isEmpty && structure.list == nil && structure.hashtags == nil {
            throw Problem(text: "structure: output json needs sections, a list or hashtags to make the JSON of")
        }
        if structure.output == .json && (structure.codeBlock || structure.comment || structure.paragraphs != nil) {
            throw Problem(text: "structure: code-block, comment and paragraphs are rules for text output, not json")
        }
        return structure
    }

    private func text(_ value: Any?, _ key: String) throws(Problem) -> String? {
        guard let value else { return nil }
        guard let text = value as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem(text: "structure: \(key) must be text")
        }
        return text
    }

    private func flag(_ value: Any?, _ key: String) throws(Problem) -> Bool {
        guard let value else { return false }
        guard let flag = value as? Bool else { throw Problem(text: "structure: \(key) must be true or false") }
        return flag
    }

    private func number(_ value: Any?, _ key: String) throws(Problem) -> Int? {
        guard let value else { return nil }
        guard let number = value as? Int, number > 0 else { throw Problem(text: "structure: \(key) must be a whole number above 0") }
        return number
    }

    private func sections(_ value: Any?) throws(Problem) -> [TemplateStructure.Section] {
        guard let value else { return [] }
        guard let list = value as? [Any], !list.isEmpty else {
            throw Problem(text: "structure: sections must be a list of names (a name: list for a section of items)")
        }
        var result: [TemplateStructure.Section] = []
        for item in list {
            if let name = item as? String, !name.isEmpty {
                result.append(.init(name))
            } else if let entry = item as? [String: Any], entry.count == 1, let (name, kind) = entry.first,
                let kindText = kind as? String, ["list", "text", "heading"].contains(kindText)
            {
                result.append(.init(name, isList: kindText == "list", showsHeading: kindText == "heading"))
            } else {
                throw Problem(text: "structure: each section is a name, or 'name: list' / 'name: text' / 'name: heading'")
            }
        }
        let keys = result.map(\.key)
        if Set(keys).count != keys.count || keys.contains(where: { ["subject", "title", "items", "hashtags"].contains($0) }) {
            throw Problem(text: "structure: section names must differ from each other and from subject, title, items and hashtags")
        }
        return result
    }

    private func list(_ value: Any?) throws(Problem) -> TemplateStructure.ListRule? {
        guard let value else { return nil }
        if let flag = value as? Bool { return flag ? TemplateStructure.ListRule() : nil }
        guard let map = value as? [String: Any] else {
            throw Problem(text: "structure: list must be true or a mapping (count, min, max, max-words, sub-items)")
        }
        let known = ["count", "min", "max", "max-words", "sub-items"]
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw Problem(text: "structure: list: unknown key '\(unknown)' (known: \(known.joined(separator: ", ")))")
        }
        var rule = TemplateStructure.ListRule()
        if let count = map["count"] {
            if let number = count as? Int, number > 0 {
                rule.count = String(number)
            } else if let text = count as? String, !PlaceholderText(text).names.isEmpty || Int(text) != nil {
                rule.count = text
            } else {
                throw Problem(text: "structure: list: count must be a number or a {{field}}")
            }
        }
        rule.min = try number(map["min"], "list: min")
        rule.max = try number(map["max"], "list: max")
        if let min = rule.min, let max = rule.max, min > max { throw Problem(text: "structure: list: min is above max") }
        rule.maxWords = try number(map["max-words"], "list: max-words")
        if let sub = map["sub-items"] {
            rule.subItems = try range(sub)
        }
        return rule
    }

    /// `3` or `"2-3"`.
    private func range(_ value: Any) throws(Problem) -> ClosedRange<Int> {
        if let number = value as? Int, number > 0 { return number...number }
        if let text = value as? String {
            let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, let low = parts[0], let high = parts[1], low > 0, low <= high { return low...high }
        }
        throw Problem(text: "structure: list: sub-items must be a number or a range like 2-3")
    }
}
