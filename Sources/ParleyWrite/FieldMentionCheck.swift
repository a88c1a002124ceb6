import Foundation

/// Checks that a draft carries the values the user gave: an email to "my landlord" about "the
/// broken heater" must say landlord, broken and heater, whatever else it says.
///
/// What counts is set per field (`mention` in the template): `all` — the value's key words (its
/// words without "the", "my" and the like, compared without endings, so "heating" answers
/// "heater"), every one of them for values of up to three key words and three in four for longer
/// ones; `any` — at least one distinctive word of it (source material such as a diff or notes: the
/// draft should be about it, not repeat it). Chinese, Japanese and Korean text is compared by
/// pairs of adjacent characters.
public enum FieldMentionCheck {
    /// A value the draft leaves out.
    public struct Missing: Sendable, Equatable {
        public var field: String
        public var value: String
        public var mention: TemplateField.Mention
        /// The key words not found (for `all`).
        public var words: [String]

        public var description: String {
            if mention == .any { return "the draft is not about the \(field) given (it shares no distinctive word with it)" }
            let shown = value.count > 60 ? String(value.prefix(57)) + "..." : value
            return "the draft does not mention \u{201C}\(shown.replacingOccurrences(of: "\n", with: " "))\u{201D} (\(field))"
        }
    }

    /// Whether `text` carries `value` by the `all` rule.
    public static func carries(_ text: String, _ value: String) -> Bool {
        let present = Set(units(text))
        let wanted = units(value)
        let needed = wanted.count <= 3 ? wanted.count : (wanted.count * 3 + 3) / 4
        return wanted.filter(present.contains).count >= needed
    }

    /// The fields whose values `draft` leaves out, in the template's order.
    public static func missing(in draft: String, fields: [TemplateField], values: [String: String]) -> [Missing] {
        let present = Set(units(draft))
        var result: [Missing] = []
        for field in fields where field.mention != .none {
            guard let value = values[field.name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { continue }
            switch field.mention {
            case .all:
                if !carries(draft, value) {
                    let absent = units(value).filter { !present.contains($0) }
                    result.append(Missing(field: field.name, value: value, mention: .all, words: absent))
                }
            case .any:
                let distinctive = units(value).filter { $0.count >= 4 || $0.unicodeScalars.contains(where: TextTokens.isIdeographic) }
                if !distinctive.isEmpty && !distinctive.contains(where: present.contains) {
                    result.append(Missing(field: field.name, value: value, mention: .any, words: []))
                }
            case .none:
                break
            }
        }
        return result
    }

    /// Key words (stemmed, no stop words) and, for CJK runs, pairs of adjacent characters (a run
    /// of one character stands for itself).
    static func units(_ text: String) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        var run: [String] = []
        func add(_ unit: String) { if seen.insert(unit).inserted { result.append(unit) } }
        func flushRun() {
            if run.count == 1 && !TextTokens.stopWords.contains(run[0]) { add(run[0]) }
            if run.count > 1 { for index in 0..<(run.count - 1) { add(run[index] + run[index + 1]) } }
            run = []
        }
        for token in TextTokens.tokens(text) {
            if token.unicodeScalars.count == 1, let scalar = token.unicodeScalars.first, TextTokens.isIdeographic(scalar) {
                run.append(token)
                continue
            }
            flushRun()
            if !TextTokens.stopWords.contains(token) { add(TextTokens.stem(token)) }
        }
        flushRun()
        return result
    }
}
