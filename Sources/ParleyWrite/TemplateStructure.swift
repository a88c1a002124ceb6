import Foundation

/// The shape a template's drafts must have, declared under `structure:` in its front matter:
///
/// ```yaml
/// structure:
///   output: json                # generate JSON under a schema made from these rules; the
///                               # program renders the text (default: text)
///   subject: "{{topic}}"        # a first line "Subject: ..."; the value is used when it is missing
///   sign-off: "{{sender}}"      # the text ends signed with this name (when the field is given)
///   greeting: "{{to}}"          # a text that nowhere names them opens by addressing them
///   title: "{{topic}}"          # a first line that names the piece; likewise
///   sections: [Summary, {Findings: list}]   # headings (or labels) in this order; `list` sections hold
///                               # items; `heading` sections show their heading even with labels: none
///   labels: heading             # how sections show: heading (own line), inline ("Attention: ..."), none
///   list: {count: "{{count}}", max-words: 8, sub-items: 2-3}   # a numbered list; or min/max instead of count
///   code-block: true            # a fenced code block
///   comment: true               # a documentation comment
///   hashtags: 3                 # one to three hashtags
///   summary-line: 60            # a first line of at most 60 characters, then a blank line
///   paragraphs: 3               # at least three paragraphs (blocks between blank lines)
///   shorter-than: text          # fewer words than the field `text`
/// ```
/// Values may use `{{field}}` placeholders, filled from the draft's fields.
public struct TemplateStructure: Sendable, Equatable {
    public enum Output: String, Sendable, CaseIterable {
        case text, json
    }

    public enum Labels: String, Sendable, CaseIterable {
        case heading, inline, none
    }

    public struct Section: Sendable, Equatable {
        /// As shown, possibly with placeholders ("About {{company}}").
        public var name: String
        /// Whether it holds a list of items rather than text.
        public var isList: Bool
        /// Shown under its heading whatever `labels` says (a press release's "About ...").
        public var showsHeading: Bool

        public init(_ name: String, isList: Bool = false, showsHeading: Bool = false) {
            self.name = name
            self.isList = isList
            self.showsHeading = showsHeading
        }

        /// Its key in the JSON a model writes: the name without placeholders, in snake case.
        public var key: String { TemplateStructure.key(for: PlaceholderText(name).rendered { _ in "" }) }
    }

    public struct ListRule: Sendable, Equatable {
        /// A number or a `{{field}}` holding one; nil leaves the count to `min`/`max`.
        public var count: String?
        public var min: Int?
        public var max: Int?
        /// The most words an item may have.
        public var maxWords: Int?
        /// How many sub-points each item has, when items have them.
        public var subItems: ClosedRange<Int>?

        public init(count: String? = nil, min: Int? = nil, max: Int? = nil, maxWords: Int? = nil, subItems: ClosedRange<Int>? = nil) {
            self.count = count
            self.min = min
            self.max = max
            self.maxWords = maxWords
            self.subItems = subItems
        }

        /// The range of item counts allowed with these field values (a count from a field that is
        /// not a number from 1 to 50 is ignored).
        public func itemRange(values: [String: String]) -> ClosedRange<Int> {
            if let count {
                let text = PlaceholderText(count).rendered { values[$0] ?? "" }.trimmingCharacters(in: .whitespaces)
                if let number = Int(text), (1...50).contains(number) { return number...number }
            }
            let low = Swift.max(min ?? 1, 1)
            return low...Swift.max(max ?? 50, low)
        }
    }

    public var output: Output
    public var subject: String?
    public var signOff: String?
    public var greeting: String?
    public var title: String?
    public var sections: [Section]
    public var labels: Labels
    public var list: ListRule?
    public var codeBlock: Bool
    public var comment: Bool
    public var hashtags: Int?
    public var summaryLine: Int?
    public var paragraphs: Int?
    public var shorterThan: String?

    public init(
        output: Output = .text, subject: String? = nil, signOff: String? = nil, greeting: String? = nil, title: String? = nil,
        sections: [Section] = [],
        labels: Labels = .heading, list: ListRule? = nil, codeBlock: Bool = false, comment: Bool = false,
        hashtags: Int? = nil, summaryLine: Int? = nil, paragraphs: Int? = nil, shorterThan: String? = nil
    ) {
        self.output = output
        self.subject = subject
        self.signOff = signOff
        self.greeting = greeting
        self.title = title
        self.sections = sections
        self.labels = labels
        self.list = list
        self.codeBlock = codeBlock
        self.comment = comment
        self.hashtags = hashtags
        self.summaryLine = summaryLine
        self.paragraphs = paragraphs
        self.shorterThan = shorterThan
    }

    /// The rules as a phrase for a request ("a first line \"Subject: ...\", a numbered list of 5
    /// items"), nil when there are none worth saying.
    public func summary(values: [String: String]) -> String? {
        var parts: [String] = []
        if subject != nil { parts.append("a first line \"Subject: ...\"") }
        if title != nil { parts.append("a title line") }
        let shown = sections.filter { labels(of: $0) != .none }.map { TemplateStructure.fill($0.name, values) }
        if !shown.isEmpty {
            parts.append(labels == .inline ? "lines starting " + shown.map { $0 + ":" }.joined(separator: " ") : "the headings " + shown.joined(separator: ", "))
        }
        if let list {
            let range = list.itemRange(values: values)
            var phrase = range.count == 1 ? "a numbered list of \(range.lowerBound) items" : "a numbered list of \(range.lowerBound) to \(range.upperBound) items"
            if let sub = list.subItems { phrase += ", each with \(sub.lowerBound) to \(sub.upperBound) sub-points" }
            parts.append(phrase)
        }
        if codeBlock { parts.append("one fenced code block") }
        if let most = hashtags { parts.append("up to \(most) hashtags at the end") }
        if let limit = summaryLine { parts.append("a first line of at most \(limit) characters") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// How a section shows in the text.
    public func labels(of section: Section) -> Labels { section.showsHeading ? .heading : labels }

    /// No rule at all (a template that declares none).
    public var isEmpty: Bool { self == TemplateStructure() }

    /// Every `{{placeholder}}` the rules use.
    public var placeholders: [String] {
        ([subject, signOff, greeting, title, list?.count].compactMap { $0 } + sections.map(\.name)).flatMap { PlaceholderText($0).names }
    }

    /// `text` with its placeholders filled and white space trimmed.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        PlaceholderText(text).rendered { values[$0] ?? "" }.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A JSON key from a name: lower case, runs of other characters as one `_`.
    static func key(for name: String) -> String {
        var key = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII && CharacterSet.alphanumerics.contains(scalar) {
                key.unicodeScalars.append(scalar)
            } else if !key.isEmpty && !key.hasSuffix("_") {
                key += "_"
            }
        }
        while key.hasSuffix("_") { key.removeLast() }
        return key.isEmpty ? "text" : key
    }
}
