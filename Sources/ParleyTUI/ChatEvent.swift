import ParleyCore

/// Everything that can happen to the chat screen: input, terminal changes, and the results of
/// effects (turn events from the engine, loaded conversations, ...).
public enum ChatEvent: Sendable, Equatable {
    case input(InputEvent)
    case resize(width: Int, height: Int)
    /// The user's message is stored; the reply with this id streams next.
    case turnStarted(conversationID: String, messageID: String)
    case turnText(String)
    /// A piece of the reply's reasoning (`reasoning_content`, `<think>`), kept apart from its text.
    case turnReasoning(String)
    case turnNotice(String)
    /// The turn ended; the conversation as stored (the reply in its final state).
    case turnFinished(Conversation)
    /// The turn failed before the reply could stream (storage, context): nothing was sent.
    case turnFailed(String)
    case conversationLoaded(Conversation, readOnly: Bool)
    case conversationsListed([ConversationListEntry])
    case searchResults(query: String, [ConversationListEntry])
    case conversationTrashed(id: String)
    case conversationRenamed(id: String, title: String)
    case personaChanged(String)
    case backendChanged(BackendInfo)
    case notice(String)
    case error(String)
    /// SIGTERM or SIGHUP: leave now (a streaming reply is cancelled and kept).
    case terminate
}

/// What the reducer asks the outside world to do. Plain data, so tests can check it.
public enum ChatEffect: Sendable, Equatable {
    /// Run a turn. `conversationID` nil starts a new stored conversation. `replacingFrom` drops that
    /// message and everything after it first (edit and resend).
    case send(text: String, conversationID: String?, persona: String, mode: Mode, replacingFrom: String?)
    /// Regenerate the last reply: drop the user message `userMessageID` and its reply, resend the
    /// text, and keep the old reply's versions as alternatives of the new one.
    case retry(conversationID: String, userMessageID: String, text: String, previousVersions: [String])
    case cancelTurn
    /// Save a conversation that has no file yet (a title, mode or system message set before the first send).
    case createConversation(Conversation)
    case listConversations
    case openConversation(id: String)
    case renameConversation(id: String, title: String)
    case trashConversation(id: String)
    case setMode(conversationID: String, mode: Mode)
    case addSystemMessage(conversationID: String, text: String)
    case setPersona(String, conversationID: String?)
    case setBackend(String)
    case setModel(String)
    case chooseAlternative(conversationID: String, messageID: String, content: String)
    case export(conversation: Conversation, format: SlashCommand.ExportFormat, path: String?)
    case search(String)
    case copyToClipboard(String)
    case quit
}
