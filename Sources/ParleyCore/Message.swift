import Foundation

/// Who said a message.
public enum Role: String, Codable, Sendable, CaseIterable {
    case system, user, assistant
}

/// Where a message stands. A reply is `streaming` while it arrives and ends in one of the others.
public enum MessageStatus: String, Codable, Sendable, CaseIterable {
    case complete, streaming, interrupted, failed
}

/// Token counts reported by a backend (exact for local models, as the server says for HTTP ones).
public struct TokenUsage: Codable, Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens the backend did not evaluate again because it held them from an earlier
    /// request (the local runtime's prefix reuse); nil when the backend does not say.
    public var cachedPromptTokens: Int?
    public var totalTokens: Int { promptTokens + completionTokens }

    public init(promptTokens: Int, completionTokens: Int, cachedPromptTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }

    enum CodingKeys: String, CodingKey { case promptTokens, completionTokens, cachedPromptTokens }
}

/// One message of a conversation, as stored on disk.
public struct Message: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var role: Role
    public var content: String
    public var createdAt: Date
    public var status: MessageStatus
    /// Backend name and model that produced an assistant message.
    public var backend: String?
    public var model: String?
    public var usage: TokenUsage?
    /// Why generation ended (`stop`, `length`, `truncated`, ...), when known.
    public var finishReason: String?
    /// Reasoning text some models send apart from the answer; never part of `content`.
    public var reasoning: String?
    /// The one-line reason a reply failed or was cut short.
    public var error: String?
    /// Every version of a regenerated reply, oldest first (`content` is the one chosen); nil until
    /// a reply is regenerated. Older files without it decode unchanged.
    public var alternatives: [String]?
    /// Set on a prompt a flow sent on the user's behalf (the decision flow's steps): the one-line
    /// step it stands for ("asking for criteria"). Such a message is the program's, not the user's:
    /// the chat shows the step, dimmed, instead of a "You" message. Absent (older files, ordinary
    /// messages) means an ordinary message; optional, so the file schema stays as it was.
    public var internalStep: String?
    /// Ratings, a chosen version and an ideal answer the user gave this reply (schema 2).
    public var feedback: ReplyFeedback?
    /// Versions (1-based) among `alternatives` that were interrupted or failed when they were
    /// written. The newest version's state is `status`; this keeps the state of the older ones,
    /// which `/retry` would otherwise forget (schema 2).
    public var unfinishedVersions: [Int]?
    /// The stored picture this message shows: a file name in `<storage>/images/` (its sidecar
    /// beside it holds the parameters). Optional like `internalStep`, so older files decode
    /// unchanged and older readers skip it; no schema bump.
    public var picture: String?

    /// Whether the program sent this message as a step of a flow (see `internalStep`).
    public var isInternal: Bool { internalStep != nil }

    public init(
        id: String = Identifier.make(), role: Role, content: String, createdAt: Date = Date(),
        status: MessageStatus = .complete, backend: String? = nil, model: String? = nil,
        usage: TokenUsage? = nil, finishReason: String? = nil, reasoning: String? = nil,
        error: String? = nil, alternatives: [String]? = nil, internalStep: String? = nil, feedback: ReplyFeedback? = nil
    ) {
        self.id = id
        self.role = role
        self.content = content
        self.createdAt = createdAt
        self.status = status
        self.backend = backend
        self.model = model
        self.usage = usage
        self.finishReason = finishReason
        self.reasoning = reasoning
        self.error = error
        self.alternatives = alternatives
        self.internalStep = internalStep
        self.feedback = feedback
    }
}
