import Foundation
import ParleyCore
import ParleyStore
import ParleyTUI
import ParleyWrite

/// Conversations on disk: created, listed, searched, opened, renamed, trashed, changed by the
/// screen (mode, system messages, the version shown, feedback), and files written from them.
/// All go through the job queue.
extension ChatEffectRunner {
    func createConversation(_ conversation: Conversation) {
        let store = services.conversations
        inOrder(refreshesIndex: true) {
            try store.create(conversation)
            return nil
        }
    }

    func listConversations() {
        let store = services.conversations
        inOrder {
            .conversationsListed(try store.list().map {
                ConversationListEntry(id: $0.id, title: $0.title, updatedAt: $0.updatedAt, messageCount: $0.messageCount)
            })
        }
    }

    func search(_ text: String) {
        let store = services.conversations
        inOrder {
            .searchResults(query: text, try store.search(text).map {
                ConversationListEntry(
                    id: $0.conversation.id, title: $0.conversation.title, updatedAt: $0.conversation.updatedAt,
                    messageCount: $0.conversation.messageCount, snippet: $0.snippet)
            })
        }
    }

    /// Loads the conversation; the backend it remembers comes back with it.
    func openConversation(_ id: String) {
        let (store, deliver) = (services.conversations, self.deliver)
        inOrder { [self] in
            let stored = try store.load(id: id)
            deliver(.conversationLoaded(stored.conversation, readOnly: stored.isReadOnly))
            await returnToRememberedBackend(of: stored.conversation)
            return nil
        }
    }

    func renameConversation(_ id: String, title: String) {
        let store = services.conversations
        inOrder(refreshesIndex: true) {
            try store.update(id: id) { $0.title = title }
            return .conversationRenamed(id: id, title: title)
        }
    }

    func trashConversation(_ id: String) {
        let store = services.conversations
        inOrder(refreshesIndex: true) {
            try store.trash(id: id)
            return .conversationTrashed(id: id)
        }
    }

    func setMode(_ id: String, mode: Mode) {
        let store = services.conversations
        inOrder(refreshesIndex: true) {
            try store.update(id: id) { $0.mode = mode }
            return nil
        }
    }

    func addSystemMessage(_ id: String, text: String) {
        let store = services.conversations
        let message = Message(id: services.newID(), role: .system, content: text, createdAt: services.now())
        inOrder(refreshesIndex: true) {
            try store.update(id: id) { $0.messages.append(message) }
            return nil
        }
    }

    /// The version of a reply shown now becomes its text.
    func chooseAlternative(_ id: String, messageID: String, content: String) {
        changeStoredReply(id) { conversation in
            if let index = conversation.messages.firstIndex(where: { $0.id == messageID }) {
                conversation.messages[index].content = content
            }
        }
    }

    func saveFeedback(_ conversationID: String, messageID: String, _ change: FeedbackChange) {
        let date = services.now()
        changeStoredReply(conversationID) { try $0.applyFeedback(change, toMessage: messageID, at: date) }
    }

    /// Changes a stored conversation's replies (the version shown, feedback); the screen has the
    /// change already, so only a failure is reported.
    private func changeStoredReply(_ conversationID: String, _ change: @escaping @Sendable (inout Conversation) throws -> Void) {
        let store = services.conversations
        inOrder(refreshesIndex: true, failure: "not saved: ") {
            try store.update(id: conversationID, change)
            return nil
        }
    }

    func export(_ conversation: Conversation, format: SlashCommand.ExportFormat, path: String?) {
        inOrder {
            let text: String
            switch format {
            case .md: text = TranscriptFormatter.markdown(conversation)
            case .json: text = try JSONOutput.encode(conversation) + "\n"
            }
            return try ChatEffectRunner.save(
                text, to: path ?? "parley-\(conversation.id).\(format.rawValue)", overwrite: false, what: .conversation)
        }
    }

    func saveText(_ text: String, to path: String, overwrite: Bool, what: SavedText) {
        inOrder { try ChatEffectRunner.save(text, to: path, overwrite: overwrite, what: what) }
    }

    /// Writes text the user asked for (`/save`, `/export`) by `OutputFile`'s rules. An existing file
    /// is replaced only after a yes (`overwrite`); without one `saveRefused` comes back and the
    /// screen asks, as `--force` is asked for on the command line.
    static func save(_ text: String, to path: String, overwrite: Bool, what: SavedText) throws -> ChatEvent {
        let target = NSString(string: path).expandingTildeInPath
        do {
            if what == .draft {
                try DraftFile.save(text, to: target, overwrite: overwrite)
            } else {
                try OutputFile.write(Data(text.utf8), to: target, force: overwrite)
            }
        } catch OutputFile.Failure.exists {
            return .saveRefused(path: path, text: text, what: what)
        }
        return .textSaved(path: path, what: what)
    }
}
