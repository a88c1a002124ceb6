import Foundation
import ParleyCore
import ParleyEngine

/// What the decision flow needs from a model: send one prompt, get the answer's text back.
/// Kept as a protocol so the flow can run on the conversation engine (stored) or in tests.
public protocol DecisionTurns: Sendable {
    /// - Parameter examples: few-shot turns for this prompt in place of the persona's; nil keeps the persona's.
    func ask(_ prompt: String, maxTokens: Int, examples: [ChatMessage]?) async throws -> DecisionTurnReply
}

extension DecisionTurns {
    public func ask(_ prompt: String, maxTokens: Int) async throws -> DecisionTurnReply {
        try await ask(prompt, maxTokens: maxTokens, examples: nil)
    }
}

/// The answer to one prompt: its text (possibly partial) and, when it did not complete, why.
public struct DecisionTurnReply: Sendable, Equatable {
    public var text: String
    public var failure: String?

    public init(text: String, failure: String? = nil) {
        self.text = text
        self.failure = failure
    }
}

/// Runs the flow's prompts as one stored conversation (mode `decide`): the first prompt starts it,
/// the later ones continue it, and the engine saves each reply as it streams.
public actor EngineDecisionTurns: DecisionTurns {
    private let engine: ConversationEngine
    private let backend: any ChatBackend
    private let settings: TurnSettings
    private let persona: String
    private let focused: Bool
    private let onText: @Sendable (String) -> Void
    public private(set) var conversationID: String?

    /// - Parameters:
    ///   - conversationID: continue this stored conversation (the chat screen's `/mode decide`)
    ///     instead of starting a new one.
    ///   - focused: show the model only the persona and the newest prompt, not the earlier turns
    ///     (see `FocusedPromptBackend`); the stored conversation keeps every turn either way.
    ///   - onText: each piece of reply text as it streams (for a live view; may ignore it).
    public init(
        engine: ConversationEngine, backend: any ChatBackend, settings: TurnSettings, persona: String = "decision-coach",
        conversationID: String? = nil, focused: Bool = true, onText: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.conversationID = conversationID
        self.engine = engine
        self.backend = backend
        self.focused = focused
        self.settings = settings
        self.persona = persona
        self.onText = onText
    }

    public func ask(_ prompt: String, maxTokens: Int, examples: [ChatMessage]?) async throws -> DecisionTurnReply {
        var settings = self.settings
        // A user's --max-tokens wins; otherwise each stage gets a cap that fits what it asks for.
        if settings.sampling.maxTokens == nil { settings.sampling.maxTokens = maxTokens }
        if let examples { settings.examples = examples }
        let backend: any ChatBackend = focused ? FocusedPromptBackend(base: self.backend, examples: settings.examples) : self.backend
        let target: TurnTarget = conversationID.map { .existing(id: $0) } ?? .newConversation(persona: persona, mode: .decide)
        let onText = self.onText
        let outcome = try await engine.send(prompt, to: target, using: backend, settings: settings) { event in
            if case .text(let piece) = event { onText(piece) }
        }
        conversationID = outcome.conversation.id
        return DecisionTurnReply(text: outcome.reply.content, failure: outcome.failure)
    }
}
