import ParleyCore
import ParleyDecide
import ParleyWrite

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
    /// The schema the next replies follow (its name), or nil when none does.
    case schemaChanged(String?)
    case backendChanged(BackendInfo)
    /// The models the backend's server offers (for `/model` completion).
    case modelsListed([String])
    case notice(String)
    case error(String)
    /// SIGTERM or SIGHUP: leave now (a streaming reply is cancelled and kept).
    case terminate
    // Decide mode: the decision flow's progress and results, and a stored record read back.
    /// The newest saved decision of a conversation (nil: it has none yet).
    case decisionLoaded(DecisionRecord?, conversationID: String)
    /// The flow sent one of its prompts (shown as its one-line step, dimmed); the reply to it
    /// streams next as `turnText`.
    case decisionPrompt(String, step: String)
    /// What the flow is doing now ("asking for options"), for the panel.
    case decisionStage(String)
    /// The record as far as the flow has filled it in.
    case decisionPartial(DecisionRecord)
    /// The flow ended (completed, stopped or without a model) and the record is saved; the
    /// conversation as stored, when it could be read back.
    case decisionFinished(DecisionRecord, Conversation?)
    /// The flow could not go on (storage); the panel keeps what was filled in.
    case decisionFailed(String)

    // Write mode
    /// The draft written in the open conversation (nil: it has none).
    case draftLoaded(Draft?)
    /// A draft turn (first version or revision) ended: the draft as stored (nil when the first
    /// generation gave no text) and the conversation holding the exchange.
    case draftTurnFinished(draft: Draft?, conversation: Conversation)
    /// `/save` or `/export` found a file at `path`: ask before replacing it with `text`.
    case saveRefused(path: String, text: String, what: SavedText)
    /// `/save` or `/export` wrote its file.
    case textSaved(path: String, what: SavedText)
    /// The editor `/ideal` opened has closed with the text it left, to become the ideal answer to
    /// version `version` of `messageID` unless it is empty or `original` unchanged. (An editor
    /// that failed is reported as an `error` instead.)
    case idealEdited(conversationID: String, messageID: String, version: Int, original: String, edited: String)

    // Pictures
    /// How far the picture `/image` asked for is (0...1), as the server says.
    case pictureProgress(Double)
    /// The picture is saved and the conversation as stored holds it.
    case pictureFinished(Conversation)
    /// No picture: interrupted (the server was asked to stop) or failed; one line saying which.
    case pictureFailed(String)
    /// The LoRA names the image server offers (for `<lora:` completion in `/image`).
    case lorasListed([String])
    /// The checkpoints or models the image server lists, for `/image --model` completion.
    case imageModelsListed([String])
}

/// What the reducer asks the outside world to do. Plain data, so tests can check it.
public enum ChatEffect: Sendable, Equatable {
    /// Run a turn. `conversationID` nil starts a new stored conversation. `replacingFrom` drops that
    /// message and everything after it first (edit and resend).
    case send(text: String, conversationID: String?, persona: String, mode: Mode, replacingFrom: String?)
    /// Regenerate the last reply: drop the user message `userMessageID` and its reply, resend the
    /// text, and keep the old reply's versions as alternatives of the new one (with the feedback
    /// on them, which `previousReply` carries).
    case retry(conversationID: String, userMessageID: String, text: String, previousVersions: [String], previousReply: Message)
    case cancelTurn
    /// Save a conversation that has no file yet (a title, mode or system message set before the first send).
    case createConversation(Conversation)
    case listConversations
    case openConversation(id: String)
    case renameConversation(id: String, title: String)
    case trashConversation(id: String)
    case setMode(conversationID: String, mode: Mode)
    case addSystemMessage(conversationID: String, text: String)
    /// Read and check the JSON schema in the file (`schemaChanged` on success); nil stops
    /// applying one.
    case setSchema(path: String?)
    case setPersona(String, conversationID: String?)
    case setBackend(String)
    case setModel(String)
    /// Add a LoRA adapter (`FILE[:SCALE]`) to the local model, or remove them all (nil).
    case setLoRA(String?)
    /// Ask the backend's server which models it offers (`modelsListed`); the local backend lists the models in `<storage>/models/`.
    case listModels
    case chooseAlternative(conversationID: String, messageID: String, content: String)
    case export(conversation: Conversation, format: SlashCommand.ExportFormat, path: String?)
    case search(String)
    case copyToClipboard(String)
    case quit
    // Decide mode.
    /// Run the decision flow inside the conversation `conversationID`, filling in what `record`
    /// lacks; `create` is the conversation to save first when it has no file yet. The runner saves
    /// the record as it fills and when the flow ends.
    case runDecision(DecisionRecord, conversationID: String, create: Conversation?)
    /// Save the record to `<storage>/decisions/<id>.json` (after an edit).
    case saveDecision(DecisionRecord)
    /// Read back the newest decision of this conversation (`decisionLoaded`).
    case loadDecision(conversationID: String)
    /// Write the decision as its Markdown report or its JSON record (`/export` in decide mode).
    case exportDecision(DecisionRecord, format: SlashCommand.ExportFormat, path: String?)

    // Write mode
    /// Write the first version of a draft from a filled template, continuing the conversation
    /// `conversationID` (nil: a new write-mode conversation); streams like `send`.
    case startDraft(FilledTemplate, template: WritingTemplate, conversationID: String?)
    /// Write the next version of `draft` from its current version and `instruction` ("shorter").
    case reviseDraft(Draft, instruction: String)
    /// Record which version of the draft is current.
    case selectDraftVersion(draftID: String, number: Int)
    /// Save text to a file the user named (a draft version, or an export after a yes); without
    /// `overwrite` an existing file is left alone and `saveRefused` comes back.
    case saveText(text: String, path: String, overwrite: Bool, what: SavedText)
    /// Look up the draft written in a conversation (answered by `draftLoaded`).
    case loadDraft(conversationID: String)

    // Feedback
    /// Record a rating, a choice or an ideal answer on a stored reply (the state has it already).
    case saveFeedback(conversationID: String, messageID: String, FeedbackChange)
    /// Open `$VISUAL`/`$EDITOR` on `text` with the screen put away; answered by `idealEdited`.
    case editIdeal(conversationID: String, messageID: String, version: Int, text: String)

    // Pictures
    /// Make a picture, save it under `<storage>/images/`, and store `request` (the command as
    /// typed) and a reply holding the picture in the conversation `conversationID` (nil: a new
    /// one with `persona` and `mode`). Ctrl-C cancels it like a turn (`cancelTurn`). Answered by
    /// `pictureProgress`, then `pictureFinished` or `pictureFailed`.
    case makePicture(PictureOrder, request: String, conversationID: String?, persona: String, mode: Mode)
    /// Open a stored picture (a file name in `<storage>/images/`) with the desktop's opener.
    case openPicture(String)
    /// Ask the image server for what `/image` completes: its checkpoints or models
    /// (`imageModelsListed`) and, from SD WebUI, its LoRA names (`lorasListed`); silent when it
    /// cannot say.
    case listImageNames
}
