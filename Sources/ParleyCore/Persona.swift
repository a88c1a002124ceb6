/// A persona: who the assistant is for a conversation. Its system prompt goes first in every
/// request and its examples follow as real prior turns (few-shot, in-context learning).
public struct Persona: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The mode a conversation with this persona starts in.
    public var mode: Mode
    public var temperature: Double?
    public var topP: Double?
    /// A backend this persona prefers when the user names none.
    public var backend: String?
    public var systemPrompt: String
    /// Example turns, alternating user and assistant.
    public var examples: [ChatMessage]
    /// The file it came from; nil for the built-in fallback.
    public var source: String?

    public init(
        name: String, description: String, mode: Mode = .chat, temperature: Double? = nil, topP: Double? = nil,
        backend: String? = nil, systemPrompt: String, examples: [ChatMessage] = [], source: String? = nil
    ) {
        self.name = name
        self.description = description
        self.mode = mode
        self.temperature = temperature
        self.topP = topP
        self.backend = backend
        self.systemPrompt = systemPrompt
        self.examples = examples
        self.source = source
    }

    /// The persona used when no persona file can be found at all, so Parley always starts.
    public static let builtInAssistant = Persona(
        name: "assistant",
        description: "A helpful general assistant (built in).",
        systemPrompt: """
            You are Parley, a helpful personal assistant in the user's terminal. Answer clearly and \
            briefly. When you are not sure, say so.
            """)
}
