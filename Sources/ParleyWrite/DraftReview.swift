import Foundation

/// Everything the checks find in one draft text: sentences copied from the template's examples,
/// field values it leaves out, structure rules it breaks. The writer regenerates a draft that has
/// any of these, keeps the better of two attempts, and records what is left as notes.
public struct DraftReview: Sendable, Equatable {
    public var copies: [String]
    public var missing: [FieldMentionCheck.Missing]
    /// Every structure rule, met or not.
    public var rules: [StructureChecker.Result]

    public init(copies: [String] = [], missing: [FieldMentionCheck.Missing] = [], rules: [StructureChecker.Result] = []) {
        self.copies = copies
        self.missing = missing
        self.rules = rules
    }

    /// Reviews `text` (already rendered and normalised) of a draft from `template` with `values`;
    /// `request` is what the user's side of the exchange said (words found there are not copies).
    public init(text: String, template: WritingTemplate, values: [String: String], request: String) {
        copies = CopyDetector(examples: template.exampleAnswers, userText: request).copies(in: text)
        missing = FieldMentionCheck.missing(in: text, fields: template.fields, values: values)
        rules = StructureChecker.check(text, structure: template.structure, values: values)
    }

    public var brokenRules: [StructureChecker.Result] { rules.filter { !$0.met } }

    public var isClean: Bool { copies.isEmpty && missing.isEmpty && brokenRules.isEmpty }

    /// Lower is better, for choosing between attempts: a copied sentence or a missing value
    /// weighs more than a broken layout rule.
    public var weight: Int { (copies.count + missing.count) * 10 + brokenRules.count }

    /// One line per problem, for the user.
    public var notes: [String] {
        copies.map { "it repeats a sentence of the template's example: \u{201C}\($0)\u{201D}" }
            + missing.map(\.description)
            + brokenRules.map { "it does not have \($0.description)" }
    }

    /// A short reason to write the draft again ("it copies the example and leaves out “Jo”").
    public var summary: String {
        var parts: [String] = []
        if !copies.isEmpty { parts.append("it repeats the template's example") }
        if !missing.isEmpty {
            parts.append("it leaves out " + missing.map { $0.mention == .all ? "\u{201C}\(Self.short($0.value))\u{201D}" : "the \($0.field)" }
                .joined(separator: ", "))
        }
        if !brokenRules.isEmpty { parts.append("it does not have " + brokenRules.map(\.rule).joined(separator: ", ")) }
        return parts.joined(separator: " and ")
    }

    /// A line added to the request on the second attempt, aimed at what went wrong the first time.
    public var reminder: String {
        var lines: [String] = []
        let names = missing.filter { $0.mention == .all }.map { "\u{201C}\(Self.short($0.value))\u{201D}" }
        if !names.isEmpty { lines.append("Use these words from the request: \(names.joined(separator: ", ")).") }
        for field in missing.filter({ $0.mention == .any }) { lines.append("Write about the \(field.field) given above.") }
        if !copies.isEmpty { lines.append("Write new sentences about this request; do not reuse the example's sentences.") }
        if !brokenRules.isEmpty { lines.append("The answer must have " + brokenRules.map(\.rule).joined(separator: ", ") + ".") }
        return lines.joined(separator: "\n")
    }

    static func short(_ value: String) -> String {
        let line = value.components(separatedBy: .newlines).first ?? value
        return line.count > 40 ? String(line.prefix(37)) + "..." : line
    }
}
