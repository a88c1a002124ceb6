import Foundation
import GGUFRuntime
import ParleyCore

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

    /// - Parameter loras: LoRA adapters the model runs with; one that does not fit throws here.
    public init(path: String, name: String = "local", contextLength: Int? = nil, threads: Int? = nil, loras: [LoRASpec] = []) throws {
        model = try LlamaModel(path: path, contextLength: contextLength, threads: threads, loras: loras)
        tokenizer = try Tokenizer(file: model.file)
        template = ChatTemplate.detect(in: model.file)
        stopTokens = tokenizer.stopTokenIDs(for: template).union(model.stopTokens)
        session = model.makeSession()
        let tokenizer = tokenizer
        longestPieceBytes = max(1, (0..<model.vocabularySize).reduce(0) { max($0, tokenizer.pieceBytes(Int32($1)).count) })
        let modelName = model.file.metadata.string("general.name")
            ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
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
            queue.async { [self] in
                do {
                    try generate(request, continuation: continuation, isCancelled: cancelled.isSet)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    private func generate(
        _ request: ChatRequest, continuation: AsyncThrowingStream<ReplyEvent, Error>.Continuation,
        isCancelled: @escaping () -> Bool
    ) throws {
        let prompt = encode(request.messages, generationPrompt: true)
        guard prompt.count < contextSize else {
            throw LocalBackendError.contextTooLong(promptTokens: prompt.count, contextSize: contextSize)
        }
        // Every reply evaluates its whole prompt in one pass. Reusing the KV cache for a shared
        // prefix would save work, but it splits the prompt differently, which (in llama.cpp too)
        // moves the numerics enough to change greedy choices at near-ties: a reply must not depend
        // on what was asked before.
        session.reset()
        let shared = 0
        let remaining = contextSize - prompt.count
        let maxTokens = min(request.sampling.maxTokens ?? remaining, remaining)
        // A schema or grammar constrains every token: what cannot continue it is never sampled.
        let constraint = try request.format.map { try constraints.constraint(for: $0, tokenizer: tokenizer) }
        var sampler = Sampler(samplingParameters(request.sampling))
        var decoder = UTF8StreamDecoder()
        var stopScanner = StopStringScanner(stops: request.sampling.stop)
        var stoppedByString = false
        let result = try session.generate(
            prompt: Array(prompt[shared...]), maxTokens: maxTokens, sampler: &sampler, stopTokens: stopTokens,
            grammar: constraint, isCancelled: { isCancelled() || stoppedByString }
        ) { token in
            let text = decoder.append(tokenizer.pieceBytes(token))
            guard !text.isEmpty else { return }
            let (emit, stop) = stopScanner.feed(text)
            if !emit.isEmpty { continuation.yield(.text(emit)) }
            if stop { stoppedByString = true }
        }
        if !stoppedByString {
            let tail = stopScanner.flush(decoder.finish())
            if !tail.isEmpty { continuation.yield(.text(tail)) }
        }
        continuation.yield(.usage(TokenUsage(promptTokens: prompt.count, completionTokens: result.tokens.count)))
        switch result.stop {
        case .stopToken, .grammarComplete:
            continuation.yield(.finish(.stop))
        case .cancelled:
            // Cancelled by the consumer: the stream just ends. A stop string is a normal end.
            if stoppedByString { continuation.yield(.finish(.stop)) }
        case .maxTokens, .contextFull:
            continuation.yield(.finish(.length))
        }
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
