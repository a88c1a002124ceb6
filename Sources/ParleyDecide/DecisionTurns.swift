import Foundation
import ParleyCore
import ParleyEngine
import StructuredOutput

/// What the decision flow needs from a model: send one request, get the answer back (its text, and
/// for a request under a schema the parsed value when it validates). Kept as a protocol so the flow
/// can run on the conversation engine (stored) or in tests.
public protocol DecisionTurns: Sendable {
    func ask(_ request: DecisionRequest) async throws -> DecisionTurnReply
}

/// The answer to one request: its text (possibly partial), why it did not complete, the value when
/// the request had a schema and the answer validates (or why it does not), and the token usage.
public struct DecisionTurnReply: Sendable, Equatable {
    public var text: String
    public var failure: String?
    public var value: JSONValue?
    public var formatProblem: String?
    public var usage: TokenUsage?

    public init(text: String, failure: String? = nil, value: JSONValue? = nil, formatProblem: String? = nil, usage: TokenUsage? = nil) {
        self.text = text
        self.failure = failure
        self.value = value
        self.formatProblem = formatProblem
        self.usage = usage
    }
}

/// Runs the flow's requests as one stored conversation (mode `decide`, titled with the question):
/// the first request starts it, the later ones continue it, and the engine saves each reply as it
/// streams. The prompts are stored marked as the flow's internal steps.
public actor EngineDecisionTurns: DecisionTurns {
    private let engine: ConversationEngine
    private let backend: any ChatBackend
    private let settings: TurnSettings
    private let persona: String
    private let focused: Bool
    private let title: String?
    private let onText: @Sendable (String) -> Void
    public private(set) var conversationID: String?

    /// - Parameters:
    ///   - conversationID: continue this stored conversation (the chat screen's `/mode decide`)
    ///     instead of starting a new one.
    ///   - title: the title of a conversation this starts (the question); nil derives it from the
    ///     first prompt as any conversation's.
    ///   - focused: show the model only the persona and the newest prompt, not the earlier turns
    ///     (see `FocusedPromptBackend`); the stored conversation keeps every turn either way.
    ///   - onText: each piece of reply text as it streams (for a live view; may ignore it).
    public init(
        engine: ConversationEngine, backend: any ChatBackend, settings: TurnSettings, persona: String = "decision-coach",
        conversationID: String? = nil, title: String? = nil, focused: Bool = true, onText: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.conversationID = conversationID
        self.engine = engine
        self.backend = backend
        self.focused = focused
        self.settings = settings
        self.persona = persona
        self.title = title
        self.onText = onText
    }

    public func ask(_ request: DecisionRequest) async throws -> DecisionTurnReply {
        var settings = self.settings
        // A user's --max-tokens wins; otherwise each stage gets a cap that fits what it asks for.
        if settings.sampling.maxTokens == nil { settings.sampling.maxTokens = request.maxTokens }
        // The schema shows the model the shape; the persona's chat examples would only cost prompt
        // tokens and pull a small model towards prose.
        if let schema = request.schema {
            settings.examples = []
            settings.format = .jsonSchema(name: "decision", schema: schema.serialized)
        }
        settings.internalStep = request.step
        let backend: any ChatBackend = focused ? FocusedPromptBackend(base: self.backend, examples: settings.examples) : self.backend
        let target = try startTarget()
        let onText = self.onText
        let outcome = try await engine.send(request.prompt, to: target, using: backend, settings: settings) { event in
            if case .text(let piece) = event { onText(piece) }
        }
        conversationID = outcome.conversation.id
        var reply = DecisionTurnReply(text: outcome.reply.content, failure: outcome.failure, usage: outcome.reply.usage)
        switch outcome.formatCheck {
        case .valid(let value)?: reply.value = value
        case .invalid(let problem)?: reply.formatProblem = problem
        case nil: break
        }
        return reply
    }

    /// The stored conversation to continue; the first request creates it, titled with the question.
    private func startTarget() throws -> TurnTarget {
        if let conversationID { return .existing(id: conversationID) }
        guard let title, let store = engine.store else { return .newConversation(persona: persona, mode: .decide) }
        let conversation = Conversation(title: Conversation.suggestedTitle(from: title), persona: persona, mode: .decide, messages: [])
        try store.create(conversation)
        conversationID = conversation.id
        return .existing(id: conversation.id)
    }
}
