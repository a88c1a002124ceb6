/// One blank in a template: `{{name}}` in its instruction, asked for with `prompt`.
public struct TemplateField: Codable, Sendable, Equatable {
    public var name: String
    /// The question a form asks ("Who is the email to?").
    public var prompt: String
    /// A required field must be given; an optional one falls back to `defaultValue` (or empty).
    public var required: Bool
    public var defaultValue: String?
    /// A realistic value, shown in help and used to check every template fills.
    public var example: String?

    public init(name: String, prompt: String, required: Bool, defaultValue: String? = nil, example: String? = nil) {
        self.name = name
        self.prompt = prompt
        self.required = required
        self.defaultValue = defaultValue
        self.example = example
    }
}
