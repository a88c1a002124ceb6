import Foundation

/// The fixes Parley makes to a model's text before anyone sees it, so the draft has the shape its
/// template promises: an answer wrapped whole in a code fence is unwrapped (unless the template
/// wants a code block), an email gets its subject line and is signed with the sender's name, a
/// piece with a title gets one, and numbered lists count from 1.
public enum DraftNormalizer {
    /// The text a model's answer makes for a template (nil: no template, plain text): a JSON
    /// answer of a structured template rendered (an answer that is not JSON is taken as text),
    /// then normalised.
    public static func finish(_ answer: String, template: WritingTemplate?, values: [String: String]) -> String {
        let structure = template?.structure ?? TemplateStructure()
        var text = answer
        if structure.output == .json, let rendered = JSONDraftRenderer.render(answer, structure: structure, values: values) {
            text = rendered
        }
        return normalize(text, structure: structure, values: values)
    }

    public static func normalize(_ text: String, structure: TemplateStructure, values: [String: String]) -> String {
        var text = withoutPreamble(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if !structure.codeBlock, let inner = unfenced(text) { text = inner }
        if let subject = structure.subject {
            let fallback = TemplateStructure.fill(subject, values)
            text = SubjectLine.ensure(text, fallback: fallback)
            // The subject says what the email is about: when the draft nowhere says what the user
            // gave, the subject line does.
            if !fallback.isEmpty, !FieldMentionCheck.carries(text, fallback) {
                text = replacingFirstLine(text, with: "Subject: " + SubjectLine.capitalised(fallback))
            }
        }
        if let greeting = structure.greeting {
            text = greeted(text, name: TemplateStructure.fill(greeting, values))
        }
        if let signOff = structure.signOff {
            text = signed(text, name: TemplateStructure.fill(signOff, values))
        }
        if let limit = structure.summaryLine { text = withSummaryLine(text, limit: limit) }
        if let title = structure.title {
            let fallback = SubjectLine.capitalised(TemplateStructure.fill(title, values))
            let first = text.components(separatedBy: "\n").first ?? ""
            if first.trimmingCharacters(in: .whitespaces).isEmpty || ListNumbering.numberedItem(first) != nil {
                text = fallback + "\n\n" + text
            } else if !fallback.isEmpty, !FieldMentionCheck.carries(text, fallback) {
                // Likewise a title names what the piece is about.
                text = replacingFirstLine(text, with: fallback)
            }
        }
        return ListNumbering.renumber(text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func replacingFirstLine(_ text: String, with line: String) -> String {
        var lines = text.components(separatedBy: "\n")
        if lines.isEmpty { return line }
        lines[0] = line
        return lines.joined(separator: "\n")
    }

    /// A commit message's shape: a first line of at most `limit` characters, then a blank line.
    /// A long first line whose first sentence fits is cut after it (the rest becomes the body); a
    /// body that follows the summary at once gets its blank line.
    static func withSummaryLine(_ text: String, limit: Int) -> String {
        var lines = text.components(separatedBy: "\n")
        guard let first = lines.first else { return text }
        if first.count > limit, let end = CopyDetector.pieces(of: first).first, end.count <= limit, end.count < first.count {
            let summary = end.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "."))
            let rest = String(first.dropFirst(end.count)).trimmingCharacters(in: .whitespaces)
            lines.replaceSubrange(0...0, with: [summary, "", rest])
        }
        if lines.count > 1, !lines[1].trimmingCharacters(in: .whitespaces).isEmpty { lines.insert("", at: 1) }
        return lines.joined(separator: "\n")
    }

    /// The text without a first line that only introduces it ("Here is the revised version:"):
    /// the draft is what follows.
    static func withoutPreamble(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        guard let first = lines.first?.trimmingCharacters(in: .whitespaces), lines.count > 1, first.hasSuffix(":") else { return text }
        let opening = first.lowercased()
        guard ["here is", "here's", "here are", "sure", "certainly", "below is", "okay", "of course"].contains(where: opening.hasPrefix)
        else { return text }
        lines.removeFirst()
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text up to its last finished sentence, for a reply stopped at its token limit (the
    /// fragment after it is not what anyone meant); the text as it is when no sentence ends.
    public static func droppingUnfinishedSentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last, !".!?。！？\"')]".contains(last) else { return trimmed }
        guard let end = trimmed.lastIndex(where: { ".!?。！？".contains($0) }) else { return trimmed }
        let kept = String(trimmed[...end])
        return TextTokens.wordCount(kept) * 3 >= TextTokens.wordCount(trimmed) ? kept : trimmed
    }

    /// The text signed with `name`: kept when one of its last three lines already has the name;
    /// otherwise a short last line without a full stop (the model's own name, often the
    /// example's) is replaced, or a sign-off is added.
    static func signed(_ text: String, name: String) -> String {
        guard !name.isEmpty else { return text }
        var lines = text.components(separatedBy: "\n")
        let filled = lines.indices.filter { !lines[$0].trimmingCharacters(in: .whitespaces).isEmpty }
        let wanted = TextTokens.tokens(name)
        if filled.suffix(3).contains(where: { CopyDetector.contains(TextTokens.tokens(lines[$0]), wanted) }) { return text }
        if let last = filled.last, filled.count > 1 {
            let line = lines[last].trimmingCharacters(in: .whitespaces)
            let before = lines[filled[filled.count - 2]].trimmingCharacters(in: .whitespaces)
            if TextTokens.wordCount(line) <= 4, !".!?:".contains(line.last ?? "."), before.hasSuffix(",") {
                lines[last] = name
                return lines.joined(separator: "\n")
            }
        }
        return text + "\n\nBest regards,\n" + name
    }

    /// The text addressed to `name` when it nowhere names them (a small model writes "Dear
    /// [Name]," or "尊敬的老师：" as often as the name it was given): its greeting, the first
    /// line of the body (after a subject line), is replaced, or one is added. The model's own
    /// opening word is kept ("Hi", "Dear").
    static func greeted(_ text: String, name: String) -> String {
        guard !name.isEmpty, !FieldMentionCheck.carries(text, name) else { return text }
        var lines = text.components(separatedBy: "\n")
        var start = lines.first.map { SubjectLine.subject(of: $0) != nil } == true ? 1 : 0
        while start < lines.count, lines[start].trimmingCharacters(in: .whitespaces).isEmpty { start += 1 }
        let opening = start < lines.count && isGreeting(lines[start]) ? lines[start] : nil
        let line = salutation(to: name, replacing: opening)
        if opening != nil {
            lines[start] = line
        } else {
            lines.insert(contentsOf: [line, ""], at: min(start, lines.count))
        }
        return lines.joined(separator: "\n")
    }

    /// A short line ending as a salutation does ("Dear Sam," "Hi there!" "尊敬的老师：").
    static func isGreeting(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last, ",:!\u{FF0C}\u{FF1A}\u{FF01}".contains(last) else { return false }
        return TextTokens.wordCount(trimmed) <= 6 || trimmed.count <= 12
    }

    /// "Dear landlord," for "my landlord"; "王老师：" for Chinese, Japanese or Korean names.
    static func salutation(to name: String, replacing opening: String?) -> String {
        if name.unicodeScalars.contains(where: TextTokens.isIdeographic) { return name + "\u{FF1A}" }
        let word = opening.flatMap { line in
            ["Dear", "Hello", "Hi", "Hey"].first { line.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix($0.lowercased()) }
        } ?? "Dear"
        var addressed = Substring(name)
        for determiner in ["my ", "our ", "the "] where addressed.lowercased().hasPrefix(determiner) {
            addressed = addressed.dropFirst(determiner.count)
        }
        return "\(word) \(addressed),"
    }

    /// The body of a text that is one fenced block and nothing else, or nil.
    static func unfenced(_ text: String) -> String? {
        var lines = text.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n")
        guard lines.count >= 2, lines.first!.hasPrefix("```"), lines.last!.trimmingCharacters(in: .whitespaces) == "```" else { return nil }
        lines.removeFirst()
        lines.removeLast()
        guard !lines.contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }) else { return nil }
        return lines.joined(separator: "\n")
    }
}
