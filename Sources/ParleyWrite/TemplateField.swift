/// One blank in a template: `{{name}}` in its instruction, asked for with `prompt`.
public struct TemplateField: Codable, Sendable, Equatable {
    /// How a draft must reflect the field's value (see `FieldMentionCheck`).
    public enum Mention: String, Codable, Sendable, CaseIterable {
        /// Nothing is checked (a tone of voice, a count, a style).
        case none
        /// The value's key words appear: names, topics, products.
        case all
        /// At least one distinctive word of it appears: source material (a diff, code, notes).
        case any
    }

    public var name: String
    /// The question a form asks ("Who is the email to?").
    public var prompt: String
    /// A required field must be given; an optional one falls back to `defaultValue` (or empty).
    public var required: Bool
    public var defaultValue: String?
    /// A realistic value, shown in help and used to check every template fills.
    public var example: String?
    public var mention: Mention
    /// Material of several lines (a diff, code, notes): piped standard input fills it when it is
    /// the only such field left empty.
    public var multiline: Bool

    public init(
        name: String, prompt: String, required: Bool, defaultValue: String? = nil, example: String? = nil,
        mention: Mention = .none, multiline: Bool = false
    ) {
        self.name = name
        self.prompt = prompt
        self.required = required
        self.defaultValue = defaultValue
        self.example = example
        self.mention = mention
        self.multiline = multiline
    }
}
