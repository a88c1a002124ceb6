import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore

/// Generates drafts and revisions through the conversation engine, so every exchange is also a
/// write-mode conversation in the user's history, and keeps the draft in its store.
public struct DraftWriter: Sendable {
    public var engine: ConversationEngine
    public var backend: any ChatBackend
    public var persona: Persona
    public var sampling: SamplingOptions
    /// Where drafts are kept; nil keeps them in memory only (`--no-save`).
    public var drafts: DraftStore?

    public init(engine: ConversationEngine, backend: any ChatBackend, persona: Persona, sampling: SamplingOptions, drafts: DraftStore?) {
        self.engine = engine
        self.backend = backend
        self.persona = persona
        self.sampling = sampling
        self.drafts = drafts
    }

    /// What a generation gave: the draft (nil when the first generation produced no text at all)
    /// and the engine's outcome, whose `failure` says why a reply stopped early.
    public struct Result: Sendable {
        public var draft: Draft?
        public var outcome: TurnOutcome
        public var failure: String? { outcome.failure }
    }

    /// Writes the first version of a new draft from a filled template. With `conversationID` the
    /// exchange continues that stored conversation (the chat screen's, so its transcript shows it);
    /// without, it starts a write-mode conversation of its own.
    public func start(
        _ filled: FilledTemplate, template: WritingTemplate, conversationID: String? = nil,
        onEvent: @escaping @Sendable (TurnEvent) -> Void
    ) async throws -> Result {
        let target: TurnTarget
        if engine.store == nil {
            target = .unsaved(Conversation(persona: persona.name, mode: .write))
        } else if let conversationID {
            target = .existing(id: conversationID)
        } else {
            target = .newConversation(persona: persona.name, mode: .write)
        }
        // Only the template's own examples: a persona's general examples pull a small model off
        // the task (it retells them).
        let settings = TurnSettings(
            systemPrompt: persona.systemPrompt, examples: template.examples,
            sampling: limited(sampling, kind: template.kind, length: filled.controls.length))
        let outcome = try await engine.send(filled.instruction, to: target, using: backend, settings: settings, onEvent: onEvent)
        guard let version = Self.version(from: outcome, instruction: filled.instruction) else {
            return Result(draft: nil, outcome: outcome)
        }
        let draft = Draft(
            template: template, filled: filled, first: version,
            conversationID: engine.store == nil ? nil : outcome.conversation.id)
        try drafts?.create(draft)
        return Result(draft: draft, outcome: outcome)
    }

    /// Writes a new version of `draft` from its current version and `instruction` ("shorter").
    /// The exchange continues the draft's conversation (or starts one if it is gone).
    public func revise(
        _ draft: Draft, instruction: String, onEvent: @escaping @Sendable (TurnEvent) -> Void
    ) async throws -> Result {
        let request = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !request.isEmpty else { throw DraftError.emptyRevision }
        var target: TurnTarget = .newConversation(persona: persona.name, mode: .write)
        if let store = engine.store {
            if let id = draft.conversationID, (try? store.load(id: id)) != nil { target = .existing(id: id) }
        } else {
            target = .unsaved(Conversation(persona: persona.name, mode: .write))
        }
        let settings = TurnSettings(
            systemPrompt: persona.systemPrompt, sampling: limited(sampling, kind: draft.kind, length: draft.controls.length))
        let outcome = try await engine.send(draft.revisionPrompt(request), to: target, using: backend, settings: settings, onEvent: onEvent)
        guard let version = Self.version(from: outcome, instruction: request) else {
            return Result(draft: draft, outcome: outcome)
        }
        var revised = draft
        revised.addRevision(version)
        if engine.store != nil { revised.conversationID = outcome.conversation.id }
        if let drafts {
            let conversationID = revised.conversationID
            revised = try drafts.documents.update(id: draft.id) { stored in
                stored.addRevision(version)
                stored.conversationID = conversationID
            }
        }
        return Result(draft: revised, outcome: outcome)
    }

    /// The sampling options with a reply limit suited to the length, unless the caller set one.
    func limited(_ options: SamplingOptions, kind: TemplateKind, length: Length?) -> SamplingOptions {
        var options = options
        if options.maxTokens == nil { options.maxTokens = kind.replyTokenLimit(for: length ?? .medium) }
        return options
    }

    /// The version a reply makes, or nil when no text arrived.
    static func version(from outcome: TurnOutcome, instruction: String) -> DraftVersion? {
        let text = outcome.reply.content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        return DraftVersion(
            text: text, instruction: instruction, createdAt: outcome.reply.createdAt, backend: outcome.reply.backend,
            model: outcome.reply.model, status: outcome.reply.status, messageID: outcome.reply.id)
    }
}
