import Foundation
import ParleyCore

extension ConversationStore {
    /// Starts streaming a reply into a conversation. Holds the conversation's stream lock until
    /// `finish` (or until the checkpoint is released), so a loader can tell a live writer from a dead
    /// one. The message is added as an empty `.streaming` assistant message if it is not there yet.
    /// A reply left half-written by a dead writer is folded in (as `.interrupted`) first.
    public func beginReply(conversationID: String, messageID: String) throws -> ReplyCheckpoint {
        let id = try validated(conversationID)
        var streamLock: FileLock?
        for attempt in 0..<25 {
            streamLock = try FileLock.tryAcquire(layout.streamLock(id), diagnostics: diagnostics)
            if streamLock != nil || attempt == 24 { break }
            usleep(20_000)
        }
        guard let streamLock else { throw StoreError.replyInProgress(id: id) }
        do {
            let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
            defer { lock.release() }
            let stale = readInflight(id)
            try updateHoldingLock(id) { conversation in
                _ = ReplyRecovery.recoverDead(stale, in: &conversation)
                if let i = conversation.messages.firstIndex(where: { $0.id == messageID }) {
                    conversation.messages[i].status = .streaming
                    conversation.messages[i].error = nil
                } else {
                    conversation.messages.append(
                        Message(id: messageID, role: .assistant, content: "", status: .streaming))
                }
            }
            if let stale {
                Platform.removeFile(layout.inflightFile(id))
                diagnostics("recovered an interrupted reply in conversation \(id) (message \(stale.messageID))")
            }
        } catch {
            streamLock.release()
            throw error
        }
        return ReplyCheckpoint(store: self, conversationID: id, messageID: messageID, streamLock: streamLock)
    }
}

/// A reply being streamed: each `write` saves the text so far, atomically and durably, into a small
/// side file whose cost does not depend on the conversation's length; `finish` folds the final
/// message into the conversation. Used from one task at a time.
public final class ReplyCheckpoint: @unchecked Sendable {
    private let store: ConversationStore
    public let conversationID: String
    public let messageID: String
    private var streamLock: FileLock?
    private var lastContent: String?
    private var lastReasoning: String?

    init(store: ConversationStore, conversationID: String, messageID: String, streamLock: FileLock) {
        self.store = store
        self.conversationID = conversationID
        self.messageID = messageID
        self.streamLock = streamLock
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
