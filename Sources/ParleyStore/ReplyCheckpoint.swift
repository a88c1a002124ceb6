import Foundation
import ParleyCore

extension ConversationStore {
    /// Starts streaming a reply into a conversation. Holds the conversation's stream lock until
    /// `finish` (or until the checkpoint is released), so a loader can tell a live writer from a dead
    /// one. `messages` (the user's question and the reply's placeholder) are appended only once that
    /// lock is held, in the same locked step: a writer refused with `replyInProgress` leaves nothing
    /// behind. The message is added as an empty `.streaming` assistant message if it is not there
    /// yet. A reply left half-written by a dead writer is folded in (as `.interrupted`) first.
    /// `backend`, when given, is recorded as the backend the conversation is now answered with.
    public func beginReply(
        conversationID: String, messageID: String, appending messages: [Message] = [], backend: BackendChoice? = nil
    ) throws -> ReplyCheckpoint {
        let id = try validated(conversationID)
        return try withStreamLock(id, messageID: messageID) {
            let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
            defer { lock.release() }
            let stale = readInflight(id)
            let conversation = try updateHoldingLock(id) { conversation in
                _ = ReplyRecovery.recoverDead(stale, in: &conversation)
                conversation.messages.append(contentsOf: messages)
                if let backend { conversation.backend = backend }
                ReplyCheckpoint.markStreaming(messageID, in: &conversation)
            }
            if let stale {
                Platform.removeFile(layout.inflightFile(id))
                diagnostics("recovered an interrupted reply in conversation \(id) (message \(stale.messageID))")
            }
            return conversation
        }
    }

    /// Saves a new conversation and starts a reply in it under its stream lock, so that no reader
    /// ever finds its `.streaming` placeholder without a live writer and takes it for a dead one.
    public func beginReply(creating conversation: Conversation, messageID: String) throws -> ReplyCheckpoint {
        let id = try validated(conversation.id)
        return try withStreamLock(id, messageID: messageID) {
            var stored = conversation
            ReplyCheckpoint.markStreaming(messageID, in: &stored)
            stored.schemaVersion = Conversation.currentSchemaVersion
            try create(stored)
            return stored
        }
    }

    /// Takes the stream lock (waiting half a second for a writer that is just finishing), runs
    /// `body` while holding it and hands the lock to the new checkpoint.
    private func withStreamLock(_ id: String, messageID: String, _ body: () throws -> Conversation) throws -> ReplyCheckpoint {
        var streamLock: FileLock?
        for attempt in 0..<25 {
            streamLock = try FileLock.tryAcquire(layout.streamLock(id), diagnostics: diagnostics)
            if streamLock != nil || attempt == 24 { break }
            usleep(20_000)
        }
        guard let streamLock else { throw StoreError.replyInProgress(id: id) }
        do {
            let conversation = try body()
            return ReplyCheckpoint(
                store: self, conversationID: id, messageID: messageID, streamLock: streamLock, conversation: conversation)
        } catch {
            streamLock.release()
            throw error
        }
    }
}

/// A reply being streamed: each `write` saves the text so far, atomically and durably, into a small
/// side file whose cost does not depend on the conversation's length; `finish` folds the final
/// message into the conversation. Used from one task at a time.
public final class ReplyCheckpoint: @unchecked Sendable {
    private let store: ConversationStore
    public let conversationID: String
    public let messageID: String
    /// The conversation as saved when the reply began (with the reply's `.streaming` message).
    public let conversation: Conversation
    private var streamLock: FileLock?
    private var lastContent: String?
    private var lastReasoning: String?

    init(store: ConversationStore, conversationID: String, messageID: String, streamLock: FileLock, conversation: Conversation) {
        self.store = store
        self.conversationID = conversationID
        self.messageID = messageID
        self.streamLock = streamLock
        self.conversation = conversation
    }

    /// Marks the message `messageID` as the reply being streamed, adding it empty if it is missing.
    static func markStreaming(_ messageID: String, in conversation: inout Conversation) {
        if let i = conversation.messages.firstIndex(where: { $0.id == messageID }) {
            conversation.messages[i].status = .streaming
            conversation.messages[i].error = nil
        } else {
            conversation.messages.append(Message(id: messageID, role: .assistant, content: "", status: .streaming))
        }
    }

    /// Saves the whole reply so far. When this returns, the text survives a crash.
    public func write(content: String, reasoning: String?) throws {
        guard streamLock != nil else { throw StoreError.checkpointFinished(id: conversationID) }
        let inflight = InflightReply(
            conversationID: conversationID, messageID: messageID, content: content, reasoning: reasoning,
            pid: Platform.currentPID, updatedAt: Date())
        let data: Data
        do {
            data = try inflight.encoded()
        } catch {
            throw StoreError.writeFailed(file: store.layout.inflightFile(conversationID).path, reason: "cannot encode: \(error)")
        }
        try store.atomicFile.write(data, to: store.layout.inflightFile(conversationID))
        lastContent = content
        lastReasoning = reasoning
    }

    /// Folds the reply into the conversation: the message gets the last checkpointed text, then
    /// `change` sets its final state (status, usage, ...); a status left `.streaming` becomes
    /// `.complete`. Then the side file is removed and the stream lock released. If saving fails the
    /// side file stays, so the next load recovers the text as an interrupted reply.
    public func finish(_ change: (inout Message) -> Void) throws {
        guard let streamLock else { throw StoreError.checkpointFinished(id: conversationID) }
        defer {
            streamLock.release()
            self.streamLock = nil
        }
        let messageID = self.messageID
        let lastContent = self.lastContent
        let lastReasoning = self.lastReasoning
        try store.update(id: conversationID) { conversation in
            let index: Int
            if let found = conversation.messages.firstIndex(where: { $0.id == messageID }) {
                index = found
            } else {
                conversation.messages.append(Message(id: messageID, role: .assistant, content: "", status: .streaming))
                index = conversation.messages.count - 1
            }
            if let lastContent { conversation.messages[index].content = lastContent }
            if let lastReasoning { conversation.messages[index].reasoning = lastReasoning }
            change(&conversation.messages[index])
            if conversation.messages[index].status == .streaming { conversation.messages[index].status = .complete }
        }
        Platform.removeFile(store.layout.inflightFile(conversationID))
    }

    deinit { streamLock?.release() }
}
