import Foundation

/// Checks a draft's text against its template's declared structure. Pure: the same text, rules and
/// values always give the same results, one per rule, met or not, so a benchmark can count rules
/// met and the writer can say which one failed.
public enum StructureChecker {
    public struct Result: Sendable, Equatable {
        /// What the rule asks, in words ("5 numbered items").
        public var rule: String
        public var met: Bool
        /// What was found when it is not met ("found 4").
        public var detail: String

        public init(_ rule: String, met: Bool, detail: String = "") {
            self.rule = rule
            self.met = met
            self.detail = detail
        }

        public var description: String { met ? rule : "\(rule): \(detail)" }
    }

    public static func check(_ text: String, structure: TemplateStructure, values: [String: String]) -> [Result] {
        var results: [Result] = []
        let lines = text.components(separatedBy: "\n")
        let firstLine = lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.trimmingCharacters(in: .whitespaces) ?? ""
        if structure.subject != nil {
            let subject = SubjectLine.subject(of: firstLine)
            results.append(Result("a subject line", met: subject.map { !$0.isEmpty } ?? false, detail: "the first line is not \u{201C}Subject: ...\u{201D}"))
        }
        if let signOff = structure.signOff {
            let name = TemplateStructure.fill(signOff, values)
            if !name.isEmpty {
                let last = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.suffix(3).joined(separator: " ")
                let met = CopyDetector.contains(TextTokens.tokens(last), TextTokens.tokens(name))
                results.append(Result("signed \(name)", met: met, detail: "the last lines do not name \(name)"))
            }
        }
        if structure.title != nil {
            let words = TextTokens.wordCount(firstLine)
            let met = words > 0 && words <= 15 && ListNumbering.numberedItem(firstLine) == nil && SubjectLine.subject(of: firstLine) == nil
            results.append(Result("a title line", met: met, detail: "the first line is not a short title"))
        }
        let shown = structure.sections.filter { structure.labels(of: $0) != .none }
        if !shown.isEmpty { results.append(sections(lines, shown, values: values)) }
        let parts = structure.sections.filter { structure.labels(of: $0) == .none }
        if !parts.isEmpty { results.append(unlabelled(lines, parts)) }
        if let list = structure.list {
            results += self.list(lines, list, values: values)
        }
        if structure.codeBlock {
            results.append(Result("a fenced code block", met: hasCodeBlock(lines), detail: "no ``` block"))
        }
        if structure.comment {
            results.append(Result("a documentation comment", met: isComment(text), detail: "it does not start as a comment"))
        }
        if let most = structure.hashtags {
            let count = hashtags(in: text).count
            results.append(Result("1 to \(most) hashtags", met: (1...most).contains(count), detail: "found \(count)"))
        }
        if let limit = structure.summaryLine {
            let first = lines.first ?? ""
            let blankAfter = lines.count < 2 || lines[1].trimmingCharacters(in: .whitespaces).isEmpty
            let met = !first.trimmingCharacters(in: .whitespaces).isEmpty && first.count <= limit && blankAfter
            let detail = first.count > limit ? "the first line has \(first.count) characters" : "no blank line after a one-line summary"
            results.append(Result("a summary line of at most \(limit) characters", met: met, detail: detail))
        }
        if let least = structure.paragraphs {
            let count = text.components(separatedBy: "\n").split { $0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            results.append(Result("at least \(least) paragraphs", met: count >= least, detail: "found \(count)"))
        }
        if let field = structure.shorterThan, let source = values[field], !source.isEmpty {
            let (words, limit) = (TextTokens.wordCount(text), TextTokens.wordCount(source))
            results.append(Result("shorter than the \(field)", met: words < limit, detail: "\(words) words against \(limit)"))
        }
        return results
    }

    // MARK: - Rules

    private static func sections(_ lines: [String], _ sections: [TemplateStructure.Section], values: [String: String]) -> Result {
        let names = sections.map { TemplateStructure.fill($0.name, values) }
        var position = 0
        var missing: [String] = []
        var empty: [String] = []
        for (index, section) in sections.enumerated() {
            guard let found = lines[position...].firstIndex(where: { isLabel($0, names[index]) }) else {
                missing.append(names[index])
                continue
            }
            if section.isList {
                let end = lines[(found + 1)...].firstIndex { line in names.contains { isLabel(line, $0) } } ?? lines.count
                if !lines[(found + 1)..<end].contains(where: isItem) { empty.append(names[index]) }
            }
            position = found + 1
        }
        let detail = !missing.isEmpty
            ? "missing or out of order: \(missing.joined(separator: ", "))"
            : "no items under \(empty.joined(separator: ", "))"
        return Result("sections \(names.joined(separator: ", "))", met: missing.isEmpty && empty.isEmpty, detail: detail)
    }

    /// Sections without labels (a hook, a body, a call to action) show only as lines: at least
    /// one line each, not counting a line of hashtags, and an item line if one is a list.
    private static func unlabelled(_ lines: [String], _ sections: [TemplateStructure.Section]) -> Result {
        let filled = lines.filter { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.split(separator: " ").allSatisfy { $0.hasPrefix("#") }
        }
        let hasItems = !sections.contains(where: \.isList) || filled.contains(where: isItem)
        let rule = "parts " + sections.map(\.name).joined(separator: ", ")
        let detail = filled.count < sections.count ? "found \(filled.count) lines" : "no list of items"
        return Result(rule, met: filled.count >= sections.count && hasItems, detail: detail)
    }

    private static func list(_ lines: [String], _ rule: TemplateStructure.ListRule, values: [String: String]) -> [Result] {
        let items = numberedItems(lines)
        let range = rule.itemRange(values: values)
        let wanted = range.count == 1 ? "\(range.lowerBound) numbered items" : "\(range.lowerBound) to \(range.upperBound) numbered items"
        var results = [Result(wanted, met: range.contains(items.count), detail: "found \(items.count)")]
        if let most = rule.maxWords {
            let long = items.filter { TextTokens.wordCount($0.text) > most }
            results.append(Result("items of at most \(most) words", met: !items.isEmpty && long.isEmpty, detail: "\(long.count) longer"))
        }
        if let sub = rule.subItems {
            let off = items.filter { !sub.contains($0.subItems) }
            let what = sub.count == 1 ? "\(sub.lowerBound)" : "\(sub.lowerBound) to \(sub.upperBound)"
            results.append(Result("\(what) sub-points per item", met: !items.isEmpty && off.isEmpty, detail: "\(off.count) items have other counts"))
        }
        return results
    }

    /// The top-level numbered items (those at the shallowest indentation) with the number of
    /// indented lines (sub-points) under each.
    static func numberedItems(_ lines: [String]) -> [(text: String, subItems: Int)] {
        let indents = lines.compactMap { line in ListNumbering.numberedItem(line).map { _ in indentation(line) } }
        guard let top = indents.min() else { return [] }
        var items: [(text: String, subItems: Int)] = []
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let indent = indentation(line)
            if indent == top, let item = ListNumbering.numberedItem(line) {
                items.append((String(item.rest.dropFirst()).trimmingCharacters(in: .whitespaces), 0))
            } else if indent > top, !items.isEmpty, isItem(line) {
                items[items.count - 1].subItems += 1
            }
        }
        return items
    }

    // MARK: - Pieces

    /// Whether the line is the section's heading or label: "Summary", "## Summary", "**Summary**",
    /// "Summary:" or "Attention: one line...", in any case.
    static func isLabel(_ line: String, _ name: String) -> Bool {
        let stripped = line.trimmingCharacters(in: .whitespaces).drop { "#*_> ".contains($0) }.lowercased()
        let wanted = name.lowercased()
        guard !wanted.isEmpty, stripped.hasPrefix(wanted) else { return false }
        let after = stripped.dropFirst(wanted.count).drop { $0 == "*" || $0 == "_" }
        guard let next = after.first else { return true }
        return next == ":" || next == " " && (after.dropFirst().first == "-" || after.dropFirst().first == "(") || next == "\u{FF1A}"
    }

    static func isItem(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("\u{2022}")
            || ListNumbering.numberedItem(line) != nil
    }

    static func indentation(_ line: String) -> Int { line.prefix { $0 == " " || $0 == "\t" }.count }

    static func hasCodeBlock(_ lines: [String]) -> Bool {
        let fences = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("```") }
        guard fences.count >= 2 else { return false }
        return lines[(fences[0] + 1)..<fences[1]].contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Starts (inside a fence, if the answer is one) with a comment or docstring marker.
    static func isComment(_ text: String) -> Bool {
        let body = DraftNormalizer.unfenced(text) ?? text
        let first = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return ["\"\"\"", "'''", "///", "/**", "/*", "//", "#", "--", ";", "(*", "=begin", "%"].contains { first.hasPrefix($0) }
    }

    /// `#word` tokens (a `#` at a word's start followed by letters, digits or `_`).
    static func hashtags(in text: String) -> [String] {
        var found: [String] = []
        var previous: Character = " "
        var current: String?
        for character in text + " " {
            if var tag = current {
                if character.isLetter || character.isNumber || character == "_" {
                    tag.append(character)
                    current = tag
                } else {
                    if tag.count > 1 { found.append(tag) }
                    current = nil
                }
            } else if character == "#" && (previous.isWhitespace || previous.isPunctuation) {
                current = "#"
            }
            previous = character
        }
        return found
    }
}
