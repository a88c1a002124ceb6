import ParleyCore
import ParleyStore

/// Keeps the streaming reply on disk: the latest text is written at most once per interval, and
/// never later than one interval after it arrived, however the stream pauses.
///
/// The store's checkpoint is used from one task at a time; this actor is that task's guard.
actor CheckpointWriter {
    private let checkpoint: ReplyCheckpoint
    private var content = ""
    private var reasoning: String?
    private var dirty = false
    private var finished = false
    /// The first write failure, reported once; the final save still tries.
    private(set) var failure: String?

    init(checkpoint: ReplyCheckpoint) {
        self.checkpoint = checkpoint
    }

    func update(content: String, reasoning: String?) {
        self.content = content
        self.reasoning = reasoning
        dirty = true
    }

    /// Writes the pending text if anything changed. Returns a notice the first time a write fails.
    func flushIfDirty() -> String? {
        guard dirty, !finished else { return nil }
        dirty = false
        do {
            try checkpoint.write(content: content, reasoning: reasoning)
            return nil
        } catch {
            guard failure == nil else { return nil }
            failure = oneLineDescription(of: error)
            return "could not checkpoint the reply: \(failure!)"
        }
    }

    /// Folds the final message into the conversation and releases the stream.
    func finish(_ change: @Sendable (inout Message) -> Void) throws {
        finished = true
        try checkpoint.finish(change)
    }
}
