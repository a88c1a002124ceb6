import ParleyCore

/// A fill-in writing task: an instruction with `{{field}}` blanks, the persona that carries it out
/// and optional example turns. Instruction-tuned models do best with one clear instruction, so a
/// template is exactly that with the details left blank.
public struct WritingTemplate: Sendable, Equatable {
    public var name: String
    public var kind: TemplateKind
    public var description: String
    public var fields: [TemplateField]
    /// The persona to write with; nil means the kind's default persona.
    public var persona: String?
    /// Defaults for the controls when the user gives none.
    public var defaultTone: Tone
    public var defaultLength: Length
    /// The instruction, with `{{field}}` (and optionally `{{tone}}`, `{{length}}`, `{{audience}}`,
    /// `{{language}}`) placeholders.
    public var instruction: String
    /// Few-shot turns, alternating user and assistant; sent before the filled instruction. They
    /// show the format on another topic: a draft that repeats them is written again.
    public var examples: [ChatMessage]
    /// The shape its drafts must have; drafts are checked against it.
    public var structure: TemplateStructure
    /// The file it came from.
    public var source: String?

    public init(
        name: String, kind: TemplateKind, description: String, fields: [TemplateField], persona: String? = nil,
        defaultTone: Tone = .neutral, defaultLength: Length = .medium, instruction: String,
        examples: [ChatMessage] = [], structure: TemplateStructure = TemplateStructure(), source: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.description = description
        self.fields = fields
        self.persona = persona
        self.defaultTone = defaultTone
        self.defaultLength = defaultLength
        self.instruction = instruction
        self.examples = examples
        self.structure = structure
        self.source = source
    }

    /// The persona this template writes with.
    public var personaName: String { persona ?? kind.defaultPersona }

    public func field(named name: String) -> TemplateField? { fields.first { $0.name == name } }

    /// The example answers, the text a draft must not repeat.
    public var exampleAnswers: [String] { examples.filter { $0.role == .assistant }.map(\.content) }

    /// The placeholders the controls fill, usable in any template's instruction.
    public static let controlPlaceholders = ["tone", "length", "audience", "language"]
}
