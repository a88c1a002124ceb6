import Foundation
import GGUFRuntime
import ParleyCore
import ParleyStore

/// The in-process backend: a GGUF model run by `GGUFRuntime`, no server, no network.
///
/// A conversation becomes the model's own chat template; the template's markers are tokenized as
/// special tokens and everything people wrote as plain text, so typed `<|im_start|>` stays text.
/// Replies stream token by token, with exact token counts.
public final class LocalBackend: ChatBackend, @unchecked Sendable {
    public let descriptor: BackendDescriptor
    public var contextSize: Int { model.contextLength }
    /// When the file names no chat template Parley knows, this says which one is used instead.
    public let templateNotice: String?

    private let model: LlamaModel
    private let tokenizer: Tokenizer
    private let template: ChatTemplate
    private let stopTokens: Set<Int32>
    /// One generation at a time: the session (and its KV cache) belongs to this queue.
    private let queue = DispatchQueue(label: "parley.local-backend")
    private let session: LlamaSession
    private let counts = TokenCountCache()
    private let constraints = ResponseConstraintCache()
    /// The most bytes of text one token stands for, over the whole vocabulary.
    private let longestPieceBytes: Int

    /// The penalty for repeating one of the last 64 tokens. Small models loop without it; 1.1 is
    /// the long-standing choice of llama.cpp-based chat front ends.
    public static let chatRepetitionPenalty: Float = 1.1

    /// Whether a reply keeps what the session holds from the previous one (`false`: every reply
    /// evaluates its whole prompt, for comparison).
    private let reusesPrefix: Bool
    /// Requests waiting for the queue: work after a reply gives way to them.
    private let waiting = PendingCount()
    /// The stored conversation the session holds and the saved states of conversations.
    private let states: SavedSessionStates

    /// - Parameters:
    ///   - modelName: what the model is called in listings and stored replies; by default its
    ///     `general.name` cleaned up, else the file's base name (see `ModelDisplayName`).
    ///   - reusePrefix: keep the KV cache between replies (the results are the same either way;
    ///     see `LlamaSession.evaluatePrompt`).
    ///   - stateCache: where the states of stored conversations are saved after their replies and
    ///     read by later processes (nil: nowhere).
    ///   - loras: LoRA adapters the model runs with; one that does not fit throws here.
    public init(
        path: String, name: String = "local", modelName: String? = nil, contextLength: Int? = nil, threads: Int? = nil,
        reusePrefix: Bool = true, stateCache: SessionCache? = nil, loras: [LoRASpec] = []
    ) throws {
        reusesPrefix = reusePrefix
        states = SavedSessionStates(cache: reusePrefix ? stateCache : nil)
        model = try LlamaModel(path: path, contextLength: contextLength, threads: threads, loras: loras)
        tokenizer = try Tokenizer(file: model.file)
        template = ChatTemplate.detect(in: model.file)
        stopTokens = tokenizer.stopTokenIDs(for: template).union(model.stopTokens)
        session = model.makeSession()
        let tokenizer = tokenizer
        longestPieceBytes = max(1, (0..<model.vocabularySize).reduce(0) { max($0, tokenizer.pieceBytes(Int32($1)).count) })
        let modelName = modelName ?? model.file.displayName(fileName: URL(fileURLWithPath: path).lastPathComponent)
        descriptor = BackendDescriptor(name: name, kind: "local", model: modelName)
        templateNotice = template.isFallback
            ? "\(URL(fileURLWithPath: path).lastPathComponent) has no chat template Parley recognises; using ChatML"
            : nil
    }

    // MARK: - Token counts

    /// Exact: the tokens the message takes inside the chat template. Templates are linear in their
    /// messages, so the count is the difference between a prompt with and without it.
    public func tokenCount(of message: ChatMessage) -> Int {
        counts.value(for: message) {
            if message.role == .system {
                return encode([message], generationPrompt: false).count
            }
            // A leading system message keeps templates from inserting their default system prompt.
            let anchor = ChatMessage(role: .system, content: "")
            return encode([anchor, message], generationPrompt: false).count - encode([anchor], generationPrompt: false).count
        }
    }

    /// Every token of plain text stands for at most `longestPieceBytes` of it, so a text needs at
    /// least its size divided by that (one byte spared for a prefix space the tokenizer may add).
    /// Lets the fitter leave out a message far beyond the context without tokenizing it: 5 MB of
    /// text took 400 MB to tokenize.
    public func minimumTokenCount(of message: ChatMessage) -> Int {
        max(0, message.content.utf8.count - 1) / longestPieceBytes
    }

    /// The prompt tokens for messages: template markers as special tokens, text as plain text.
    func encode(_ messages: [ChatMessage], generationPrompt: Bool) -> [Int32] {
        let segments = template.renderSegments(
            messages: messages.map { (role: $0.role.rawValue, content: $0.content) }, addGenerationPrompt: generationPrompt)
        return tokenizer.encode(segments: segments, addSpecial: true)
    }

    // MARK: - Replies

    public func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> {
        AsyncThrowingStream { continuation in
            let cancelled = CancelFlag()
            continuation.onTermination = { _ in cancelled.set() }
            waiting.add(1)
            queue.async { [self] in
                waiting.add(-1)
                var next: [Int32]?
                do {
                    next = try generate(request, continuation: continuation, isCancelled: cancelled.isSet)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
                // The consumer has the whole reply; until the next request comes, ready its start.
                // The state is saved only when the session moves to another conversation and when
                // the program ends (finishBackgroundWork): tens of megabytes a reply would
                // otherwise be written over and over while one conversation goes on.
                if let next { prepare(next) }
            }
        }
    }

    /// Waits for the work after the last reply, then saves the state of the conversation the
    /// session holds if it changed since it was saved.
    public func finishBackgroundWork() async {
        await withCheckedContinuation { done in
            queue.async { [self] in
                states.save(session)
                done.resume()
            }
        }
    }

    /// Evaluates what the next prompt of this conversation will start with (the history and the
    /// reply just given) while the user reads and types, so the next reply evaluates only the new
    /// message. Gives way between batches as soon as a request waits; a wrong guess costs nothing
    /// but this time, since the next prompt keeps only what matches it.
    private func prepare(_ prefix: [Int32]) {
        guard prefix.count < contextSize else { return }
        _ = try? session.prefill(prefix, isCancelled: { waiting.value > 0 })
        states.changed()
    }

    /// Streams the reply to `request`; returns the tokens the conversation's next prompt will start
    /// with when the reply ended normally, nil otherwise.
    private func generate(
        _ request: ChatRequest, continuation: AsyncThrowingStream<ReplyEvent, Error>.Continuation,
        isCancelled: @escaping () -> Bool
    ) throws -> [Int32]? {
        let prompt = encode(request.messages, generationPrompt: true)
        guard prompt.count < contextSize else {
            throw LocalBackendError.contextTooLong(promptTokens: prompt.count, contextSize: contextSize)
        }
        // A reply must not depend on what was asked before: the session keeps only the prefix it
        // computed exactly as a fresh evaluation of this prompt would (see
        // LlamaSession.evaluatePrompt), so the logits are a fresh run's, bit for bit.
        if !reusesPrefix { session.reset() }
        states.prepare(session, for: request.cacheKey, prompt: prompt)
        defer { states.changed() }
        let remaining = contextSize - prompt.count
        let maxTokens = min(request.sampling.maxTokens ?? remaining, remaining)
        // A schema or grammar constrains every token: what cannot continue it is never sampled.
        let constraint = try request.format.map { try constraints.constraint(for: $0, tokenizer: tokenizer) }
        var sampler = Sampler(samplingParameters(request.sampling))
        var decoder = UTF8StreamDecoder()
        var stopScanner = StopStringScanner(stops: request.sampling.stop)
        var stoppedByString = false
        // The reply as the consumer receives (and stores) it.
        var shown = ""
        let result = try session.generate(
            prompt: prompt, wholeContext: true, maxTokens: maxTokens, sampler: &sampler, stopTokens: stopTokens,
            grammar: constraint, isCancelled: { isCancelled() || stoppedByString }
        ) { token in
            let text = decoder.append(tokenizer.pieceBytes(token))
            guard !text.isEmpty else { return }
            let (emit, stop) = stopScanner.feed(text)
            if !emit.isEmpty {
                shown += emit
                continuation.yield(.text(emit))
            }
            if stop { stoppedByString = true }
        }
        if !stoppedByString {
            let tail = stopScanner.flush(decoder.finish())
            if !tail.isEmpty {
                shown += tail
                continuation.yield(.text(tail))
            }
        }
        continuation.yield(.usage(TokenUsage(
            promptTokens: prompt.count, completionTokens: result.tokens.count,
            cachedPromptTokens: prompt.count - result.promptTokensEvaluated)))
        switch result.stop {
        case .stopToken, .grammarComplete:
            continuation.yield(.finish(.stop))
        case .cancelled:
            // Cancelled by the consumer: the stream just ends. A stop string is a normal end.
            guard stoppedByString else { return nil }
            continuation.yield(.finish(.stop))
        case .maxTokens, .contextFull:
            continuation.yield(.finish(.length))
        }
        // Only a stored conversation (one with a key) is continued later; readying an unsaved
        // one's next turn would only delay `parley ask --no-save` at its exit.
        guard reusesPrefix, request.cacheKey != nil else { return nil }
        // The history leaves out empty replies (PromptBuilder), so the next prompt starts with this one's.
        let reply = shown.isEmpty ? [] : [ChatMessage(role: .assistant, content: shown)]
        return encode(request.messages + reply, generationPrompt: false)
    }

    private func samplingParameters(_ options: SamplingOptions) -> SamplingParameters {
        var parameters = SamplingParameters()
        if let temperature = options.temperature { parameters.temperature = Float(temperature) }
        if let topP = options.topP { parameters.topP = Float(topP) }
        parameters.seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
        parameters.repetitionPenalty = LocalBackend.chatRepetitionPenalty
        if parameters.temperature <= 0 { parameters = .greedy }
        return parameters
    }
}

/// Errors of the local backend, one line each.
public enum LocalBackendError: UserFacingError, Equatable {
    case contextTooLong(promptTokens: Int, contextSize: Int)

    public var description: String {
        switch self {
        case .contextTooLong(let promptTokens, let contextSize):
            return "the prompt takes \(promptTokens) tokens and the context holds \(contextSize); start a new conversation or shorten the message"
        }
    }
}

/// Set once from any thread, read from the generation thread.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    func isSet() -> Bool { lock.withLock { value } }
}

/// Token counts per message, so a long history is not re-tokenized on every turn.
final class TokenCountCache: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [ChatMessage: Int] = [:]

    func value(for message: ChatMessage, compute: () -> Int) -> Int {
        if let known = lock.withLock({ counts[message] }) { return known }
        let count = compute()
        lock.withLock {
            if counts.count > 10_000 { counts.removeAll(keepingCapacity: true) }
            counts[message] = count
        }
        return count
    }
}
