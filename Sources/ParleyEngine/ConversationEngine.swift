import Foundation
import ParleyCore
import ParleyStore

/// Runs turns: saves the user's message, streams the reply from a backend while checkpointing it,
/// and records how the reply ended. The same engine serves `parley ask` and the chat screen.
public struct ConversationEngine: Sendable {
    /// Where conversations are kept; nil only matters for `.unsaved` targets.
    public let store: ConversationStore?

    public init(store: ConversationStore?) {
        self.store = store
    }

    public enum Failure: UserFacingError {
        case noStore
        case emptyMessage
        /// The message is over `SamplingOptions.maxInputBytes`; nothing was stored or sent.
        case inputTooLarge(bytes: Int, limit: Int)
        /// The reply's token budget leaves no room for the conversation.
        case replyLengthFillsContext(maxTokens: Int, contextSize: Int)

        public var description: String {
            switch self {
            case .noStore: return "this turn needs a storage directory"
            case .emptyMessage: return "nothing to send: the message is empty"
            case .inputTooLarge(let bytes, let limit):
                return "the message is \(ByteCountText.describe(bytes)), more than the \(ByteCountText.describe(limit)) a message may be; shorten it, or raise max_input_bytes in the config ([defaults]) or --max-input-bytes"
            case .replyLengthFillsContext(let maxTokens, let contextSize):
                return "max_tokens \(maxTokens) is not less than the backend's context of \(contextSize) tokens, so no room is left for the conversation; lower --max-tokens (or max_tokens in the config)"
            }
        }
    }

    /// Runs one turn. Events arrive on `onEvent` as they happen; the returned outcome holds the stored
    /// reply. Cancelling the calling task stops the backend and keeps the partial reply, marked
    /// `interrupted`. A backend error keeps what arrived and records the error on the reply.
    /// Errors thrown are those that stop a turn before anything is stored or asked (an empty or
    /// oversized message, storage, another Parley replying in the conversation). Everything after
    /// the message is stored — a conversation that cannot fit the context, a backend error — is the
    /// reply's own failure, recorded on it and in the outcome.
    public func send(
        _ text: String, to target: TurnTarget, using backend: any ChatBackend, settings: TurnSettings,
        onEvent: @escaping @Sendable (TurnEvent) -> Void
    ) async throws -> TurnOutcome {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Failure.emptyMessage }
        // Before anything is stored, titled, checked or counted: all of that grows with the text.
        let inputBytes = text.utf8.count
        guard inputBytes <= settings.sampling.maxInputBytes else {
            throw Failure.inputTooLarge(bytes: inputBytes, limit: settings.sampling.maxInputBytes)
        }
        let descriptor = backend.descriptor
        let user = Message(role: .user, content: text, internalStep: settings.internalStep)
        let placeholder = Message(
            role: .assistant, content: "", status: .streaming, backend: descriptor.name, model: descriptor.model)

        // 1. The user's message (and the reply's placeholder) reach the disk before anything is asked,
        // in the same step that takes the conversation's stream lock: when another Parley is
        // replying there, the turn is refused before anything is written.
        var conversation: Conversation
        let writer: CheckpointWriter?
        switch target {
        case .newConversation(let persona, let mode):
            guard let store else { throw Failure.noStore }
            var created = Conversation(
                title: Conversation.suggestedTitle(from: text), persona: persona, mode: mode, messages: [user, placeholder])
            created.backend = settings.backendChoice
            let checkpoint = try store.beginReply(creating: created, messageID: placeholder.id)
            conversation = checkpoint.conversation
            writer = CheckpointWriter(checkpoint: checkpoint)
        case .existing(let id):
            guard let store else { throw Failure.noStore }
            let checkpoint = try store.beginReply(
                conversationID: id, messageID: placeholder.id, appending: [user, placeholder], backend: settings.backendChoice)
            conversation = checkpoint.conversation
            writer = CheckpointWriter(checkpoint: checkpoint)
        case .unsaved(let existing):
            writer = nil
            conversation = existing
            conversation.messages.append(user)
            conversation.messages.append(placeholder)
            if let choice = settings.backendChoice { conversation.backend = choice }
            conversation.updatedAt = Date()
        }
        onEvent(.started(conversationID: conversation.id, messageID: placeholder.id))
        if CrisisCheck.matches(text) { onEvent(.safetyNotice(CrisisCheck.notice)) }

        // 2. The prompt: persona, examples, then the history that fits.
        let history = conversation.messages.dropLast()  // everything but the placeholder
        let prompt = PromptBuilder.messages(
            systemPrompt: settings.systemPrompt, examples: settings.examples, history: Array(history))
        let reserve = settings.sampling.maxTokens ?? min(1024, backend.contextSize / 4)
        let fitter = ContextFitter(contextSize: backend.contextSize, reserveForReply: reserve)
        let fitted: ContextFitter.Result
        do {
            if reserve >= backend.contextSize {
                throw Failure.replyLengthFillsContext(maxTokens: reserve, contextSize: backend.contextSize)
            }
            fitted = try fitter.fit(prompt, count: backend.tokenCount(of:), atLeast: backend.minimumTokenCount(of:))
        } catch {
            let reason = oneLineDescription(of: error)
            return try await finish(
                conversation, placeholder: placeholder, recorder: writer,
                content: "", reasoning: nil, status: .failed, finishReason: nil, usage: nil, error: reason)
        }
        if fitted.droppedMessages > 0 {
            onEvent(.contextTrimmed(
                droppedMessages: fitted.droppedMessages, promptTokens: fitted.promptTokens,
                contextSize: backend.contextSize))
        }

        // 3. Stream, checkpointing what has been shown.
        let flusher = writer.map { writer in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.checkpointInterval)
                    if let notice = await writer.flushIfDirty() { onEvent(.notice(notice)) }
                }
            }
        }
        defer { flusher?.cancel() }

        var content = ""
        var reasoning: String?
        var usage: TokenUsage?
        var finishReason: FinishReason?
        var streamError: String?
        // Answer and reasoning together, against the reply's size cap.
        var replyBytes = 0
        var reachedCap = false
        do {
            reading: for try await event in backend.reply(
                to: ChatRequest(
                    messages: fitted.messages, sampling: settings.sampling, format: settings.format,
                    cacheKey: writer == nil ? nil : conversation.id)) {
                switch event {
                case .text(let piece):
                    let kept = Self.clip(piece, room: settings.sampling.maxReplyBytes - replyBytes)
                    replyBytes += kept.utf8.count
                    reachedCap = kept.utf8.count < piece.utf8.count
                    content += kept
                    if !kept.isEmpty { onEvent(.text(kept)) }
                case .reasoning(let piece):
                    let kept = Self.clip(piece, room: settings.sampling.maxReplyBytes - replyBytes)
                    replyBytes += kept.utf8.count
                    reachedCap = kept.utf8.count < piece.utf8.count
                    reasoning = (reasoning ?? "") + kept
                    if !kept.isEmpty { onEvent(.reasoning(kept)) }
                case .usage(let reported):
                    usage = reported
                case .finish(let reason):
                    finishReason = reason
                case .notice(let text):
                    onEvent(.notice(text))
                }
                switch event {
                case .text, .reasoning: await writer?.update(content: content, reasoning: reasoning)
                default: break
                }
                // Leaving the loop drops the stream, which stops the backend.
                if reachedCap { break reading }
            }
        } catch is CancellationError {
            // Handled below through Task.isCancelled.
        } catch {
            streamError = oneLineDescription(of: error)
        }
        flusher?.cancel()

        // 4. How it ended.
        let status: MessageStatus
        var recordedReason = finishReason?.rawValue
        var errorText = streamError
        if Task.isCancelled {
            status = .interrupted
            recordedReason = "cancelled"
            errorText = "cancelled by the user"
        } else if reachedCap {
            status = .interrupted
            recordedReason = FinishReason.truncated.rawValue
            errorText = "the reply reached the \(ByteCountText.describe(settings.sampling.maxReplyBytes)) cap on reply size and was cut off there; raise max_reply_bytes in the config ([defaults]) or --max-reply-bytes for longer replies"
        } else if let streamError {
            status = .failed
            errorText = streamError
        } else {
            switch finishReason {
            case .stop?, .length?:
                status = .complete
            case .error?:
                status = .failed
                errorText = "the backend reported an error during the reply"
            case .truncated?, nil:
                status = .interrupted
                recordedReason = FinishReason.truncated.rawValue
                errorText = "the reply stream ended before the reply was complete"
            }
        }
        var outcome = try await finish(
            conversation, placeholder: placeholder, recorder: writer,
            content: content, reasoning: reasoning,
            status: status, finishReason: recordedReason, usage: usage, error: errorText,
            backendModel: backend.descriptor.model)
        // A schema reply is checked here, whatever the backend promised: the raw text stays stored
        // as it came, and the caller says what is wrong with it.
        if case .jsonSchema(_, let schema)? = settings.format, outcome.reply.status == .complete {
            outcome.formatCheck = ReplyFormatCheck.check(
                outcome.reply.content, schema: schema, cutAtTokenLimit: outcome.reply.finishReason == FinishReason.length.rawValue)
        }
        return outcome
    }

    /// The longest start of `piece` within `room` bytes of UTF-8, cut between Unicode scalars.
    static func clip(_ piece: String, room: Int) -> String {
        if piece.utf8.count <= room { return piece }
        var bytes = 0
        var end = piece.unicodeScalars.startIndex
        for index in piece.unicodeScalars.indices {
            let size = UTF8.width(piece.unicodeScalars[index])
            if bytes + size > room { break }
            bytes += size
            end = piece.unicodeScalars.index(after: index)
        }
        return String(piece.unicodeScalars[..<end])
    }

    /// Records the reply's final state and returns the conversation with it: through the stream's
    /// checkpoint, which folds it into the stored file, or (`recorder` nil, an unsaved
    /// conversation) nowhere.
    private func finish(
        _ conversation: Conversation, placeholder: Message, recorder: CheckpointWriter?, content: String,
        reasoning: String?, status: MessageStatus, finishReason: String?, usage: TokenUsage?, error: String?,
        backendModel: String? = nil
    ) async throws -> TurnOutcome {
        var reply = placeholder
        // A backend may learn its model only while replying (e.g. the server's first model).
        reply.model = backendModel ?? reply.model
        reply.content = content
        reply.reasoning = reasoning
        reply.status = status
        reply.finishReason = finishReason
        reply.usage = usage
        reply.error = error
        let final = reply
        var result = conversation
        if let index = result.messages.lastIndex(where: { $0.id == final.id }) { result.messages[index] = final }
        result.updatedAt = Date()
        try await recorder?.finish { $0 = final }
        return TurnOutcome(conversation: result, reply: final)
    }
}
