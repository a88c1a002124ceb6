import Foundation
import ParleyCore
import ParleyWrite

/// The backend as the status line shows it.
public struct BackendInfo: Sendable, Equatable {
    public var name: String
    public var model: String
    public var contextSize: Int

    public init(name: String, model: String, contextSize: Int) {
        self.name = name
        self.model = model
        self.contextSize = contextSize
    }
}

/// One row of the conversation list (or of search results, with a snippet).
public struct ConversationListEntry: Sendable, Equatable {
    public var id: String
    public var title: String
    public var updatedAt: Date
    public var messageCount: Int
    public var snippet: String?

    public init(id: String, title: String, updatedAt: Date, messageCount: Int, snippet: String? = nil) {
        self.id = id
        self.title = title
        self.updatedAt = updatedAt
        self.messageCount = messageCount
        self.snippet = snippet
    }
}

/// The conversation list overlay.
public struct ConversationListState: Sendable, Equatable {
    public var entries: [ConversationListEntry] = []
    public var filter = InputEditor()
    public var selected = 0
    /// Set while a title is being edited for the selected entry.
    public var renaming: InputEditor?
    /// Set for `/search` results: the query they answer.
    public var searchQuery: String?
    public var isLoading = true

    public init() {}

    /// The entries that match the filter (case-insensitive, in titles and snippets).
    public var visibleEntries: [ConversationListEntry] {
        let needle = filter.text
        guard !needle.isEmpty else { return entries }
        return entries.filter {
            $0.title.range(of: needle, options: .caseInsensitive) != nil
                || ($0.snippet?.range(of: needle, options: .caseInsensitive) != nil)
                || $0.id.hasPrefix(needle)
        }
    }
}

/// What the screen shows on top of the transcript.
public enum Overlay: Sendable, Equatable {
    case none
    case help
    case list(ConversationListState)
    /// A yes/no question; the action runs on `y`.
    case confirm(question: String, action: ConfirmedAction)
    /// Write mode: the form of a template's fields and the writing controls (`/write TEMPLATE`).
    case writeForm(WriteForm)
    /// Choosing which template to write with (`/mode write`, `/write` without a name).
    case templatePicker(TemplatePicker)
}

/// An action waiting for a yes.
public enum ConfirmedAction: Sendable, Equatable {
    case trash(id: String, reopenList: Bool)
    /// Replace the existing file at `path` with `text` (a draft version or an export).
    case overwrite(path: String, text: String, what: SavedText)
}

/// Where a turn stands.
public enum ChatPhase: Sendable, Equatable {
    case idle
    /// Sent; no text yet.
    case waiting(since: Date)
    /// Text arriving: when the first piece came and about how many tokens so far.
    case streaming(since: Date, tokens: Int)
    /// A picture being made (`/image`): since when, and how far the server says it is.
    case drawing(since: Date, fraction: Double?)
}

/// A one-line message under the transcript.
public struct ChatNotice: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// Everything the chat screen shows, as one value. Only `ChatReducer` changes it.
public struct ChatState: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var conversation: Conversation
    /// False for a new conversation that has no file yet (it gets one on the first send).
    public var isStored: Bool
    public var isReadOnly = false
    public var persona: String
    /// The name of the JSON schema the next replies follow (`/schema`), nil when none.
    public var schema: String?
    public var backend: BackendInfo
    public var knownPersonas: [String] = []
    public var knownBackends: [String] = []
    public var knownModels: [String] = []
    /// The LoRA names the image server offers, for `<lora:` completion in `/image`.
    public var knownLoras: [String] = []
    /// The checkpoints (SD WebUI) or models (OpenAI) the image server lists, for `/image --model`.
    public var knownImageModels: [String] = []
    /// The writing templates `/write` offers (its Tab completion and its form come from these).
    public var templates: [WritingTemplate] = []
    public var phase: ChatPhase = .idle
    /// Tokens per second of the last finished reply, shown until the next turn.
    public var lastRate: Double?
    /// Estimated tokens of the whole conversation as the next prompt would carry it.
    public var contextTokens = 0
    public var notice: ChatNotice?
    public var input = InputEditor()
    public var inputHistory: [String] = []
    /// While browsing history: the entry shown, and what was typed before browsing began.
    public var historyIndex: Int?
    public var draftBeforeHistory = ""
    /// Set while the last user message is being edited for resending.
    public var editingMessageID: String?
    /// The reply that `/rate`, `/prefer` and `/ideal` act on, chosen with Alt-↑↓ and marked ▸;
    /// nil means the last reply.
    public var replyCursor: String?
    /// Rows scrolled up from the newest line; 0 follows the conversation as it grows.
    public var scrollOffset = 0
    public var overlay: Overlay = .none
    /// The decision or draft workspace beside the chat, when the mode has one.
    public var panel: SidePanel?
    /// The panel takes the transcript's place (F3 toggles). Below `ScreenGeometry.sideBySideWidth`
    /// columns only one of them fits, so there F3 is the way to see the panel.
    public var panelFullScreen = false
    /// Replies' reasoning shown in full rather than as a one-line summary (`/think`, Ctrl-T).
    public var showsReasoning = false
    /// Rows the help overlay is scrolled down (when it is taller than the screen).
    public var helpOffset = 0
    /// Ctrl-C on an idle, empty input asks once more; this says it was asked.
    public var quitArmed = false
    public var shouldQuit = false
    /// The largest message that may be sent, in UTF-8 bytes.
    public var maxMessageBytes = 1 << 20

    public init(width: Int, height: Int, conversation: Conversation, isStored: Bool, persona: String, backend: BackendInfo) {
        self.width = width
        self.height = height
        self.conversation = conversation
        self.isStored = isStored
        self.persona = persona
        self.backend = backend
        self.contextTokens = ChatState.estimateContext(conversation)
    }

    public var isBusy: Bool { phase != .idle }

    /// Columns the transcript is laid out in (narrower while a side panel sits beside it).
    public var transcriptWidth: Int { panel == nil ? width : ScreenGeometry(self).transcriptWidth }

    /// Tokens of the conversation as the next prompt would carry it (the status line's context meter).
    ///
    /// Exact as far as the newest reply whose backend counted it: its usage covers the whole prompt
    /// that produced it (system prompt and examples included, after any trimming) plus the reply.
    /// Only what came after it is estimated; a conversation with no counted reply is estimated whole.
    public static func estimateContext(_ conversation: Conversation) -> Int {
        let messages = conversation.messages
        var counted = 0
        var rest = messages[...]
        if let index = messages.lastIndex(where: { $0.role == .assistant && $0.usage != nil }), let usage = messages[index].usage {
            counted = usage.totalTokens
            rest = messages[(index + 1)...]
        }
        return rest.reduce(counted) { total, message in
            guard message.status != .failed || !message.content.isEmpty else { return total }
            return total + TokenEstimator.estimate(message.content) + TokenEstimator.perMessageOverhead
        }
    }
}
