import ParleyCore

/// Everything about one turn that is not the user's text: the prompt around the history and sampling.
public struct TurnSettings: Sendable {
    /// The persona's system prompt, sent first and never dropped when the history is trimmed.
    public var systemPrompt: String?
    /// Few-shot example turns, sent after the system prompt as real prior turns.
    public var examples: [ChatMessage]
    public var sampling: SamplingOptions
    /// The shape the reply must take (a JSON schema or a grammar), if any.
    public var format: ResponseFormat?
    /// How often the streaming reply is checkpointed to disk. The promise is "on disk within one
    /// second"; a quarter of that leaves room for a slow disk.
    public var checkpointInterval: Duration
    /// Set when a flow (not the user) sends the prompt: stored on the user's message as its
    /// `internalStep`, so screens show the step instead of a "You" message.
    public var internalStep: String?
    /// The backend this turn goes to, as the command chose it: recorded on the conversation so
    /// that continuing it later uses the same backend and model (nil: the record is left as it is).
    public var backendChoice: BackendChoice?

    public init(
        systemPrompt: String? = nil, examples: [ChatMessage] = [], sampling: SamplingOptions = SamplingOptions(),
        format: ResponseFormat? = nil, checkpointInterval: Duration = .milliseconds(250)
    ) {
        self.systemPrompt = systemPrompt
        self.examples = examples
        self.sampling = sampling
        self.format = format
        self.checkpointInterval = checkpointInterval
    }
}

/// Where a turn goes.
public enum TurnTarget: Sendable {
    /// Start a new stored conversation.
    case newConversation(persona: String?, mode: Mode)
    /// Append to a stored conversation (re-read under its lock, so other writers lose nothing).
    case existing(id: String)
    /// Keep everything in memory (`--no-save`).
    case unsaved(Conversation)
}

/// What the engine reports while a turn runs.
public enum TurnEvent: Sendable, Equatable {
    /// The user's message is saved; the reply is about to stream.
    case started(conversationID: String, messageID: String)
    /// Older turns were left out of the prompt to fit the context window.
    case contextTrimmed(droppedMessages: Int, promptTokens: Int, contextSize: Int)
    case text(String)
    case reasoning(String)
    case notice(String)
    /// The user's words contain crisis language: show this fixed notice, whatever the model says.
    case safetyNotice(String)
}

/// The end of a turn: the conversation as stored and the reply in its final state.
public struct TurnOutcome: Sendable {
    public var conversation: Conversation
    public var reply: Message
    /// For a turn under a JSON schema whose reply completed: whether the reply validates (and its
    /// parsed value). Nil otherwise.
    public var formatCheck: ReplyFormatCheck?
    /// The one-line reason when the reply did not complete, nil when it did.
    public var failure: String? { reply.status == .complete ? nil : (reply.error ?? reply.status.rawValue) }
}
