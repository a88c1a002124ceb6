import Foundation

/// One message as a backend sees it: a role and its text.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// Sampling settings for one reply, and the size caps of its turn. `nil` means "the backend's
/// default".
public struct SamplingOptions: Sendable, Equatable {
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var seed: UInt64?
    public var stop: [String]
    /// The longest message the turn sends, in UTF-8 bytes (see `SizeLimits`).
    public var maxInputBytes: Int
    /// Where the reply is cut off, in UTF-8 bytes of answer and reasoning (see `SizeLimits`).
    public var maxReplyBytes: Int

    public init(
        temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, seed: UInt64? = nil,
        stop: [String] = [], maxInputBytes: Int = SizeLimits.defaultMaxInputBytes,
        maxReplyBytes: Int = SizeLimits.defaultMaxReplyBytes
    ) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
        self.maxInputBytes = maxInputBytes
        self.maxReplyBytes = maxReplyBytes
    }
}

/// A shape the reply must take. Backends enforce it while generating where they can (the local
/// runtime constrains sampling; servers are sent OpenAI's `response_format`); the engine checks a
/// schema reply itself either way.
public enum ResponseFormat: Sendable, Equatable {
    /// JSON that validates against `schema` (JSON Schema, as JSON text). `name` is what servers that
    /// want one are told (letters, digits, `_` and `-`).
    case jsonSchema(name: String, schema: String)
    /// Text in this GBNF grammar (llama.cpp's dialect). Only the local runtime can enforce it.
    case grammar(String)

    /// A schema name servers accept (OpenAI: `^[a-zA-Z0-9_-]{1,64}$`), derived from any text.
    public static func schemaName(from text: String) -> String {
        let allowed = text.unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-"))
                ? Character(scalar) : "_"
        }
        let name = String(String(allowed).prefix(64))
        return name.allSatisfy({ $0 == "_" }) ? "reply" : name
    }
}

/// What the engine asks a backend for: the messages (already fitted to the context), sampling and
/// the shape the reply must take, if any.
public struct ChatRequest: Sendable, Equatable {
    public var messages: [ChatMessage]
    public var sampling: SamplingOptions
    public var format: ResponseFormat?
    /// What the conversation is known by across processes (its stored id), so a backend that
    /// saves its state between replies can find it again; nil for a conversation not stored.
    public var cacheKey: String?

    public init(
        messages: [ChatMessage], sampling: SamplingOptions = SamplingOptions(), format: ResponseFormat? = nil,
        cacheKey: String? = nil
    ) {
        self.messages = messages
        self.sampling = sampling
        self.format = format
        self.cacheKey = cacheKey
    }
}

/// Why a reply ended.
public enum FinishReason: String, Sendable, Equatable, Codable {
    /// The model ended its turn (EOS, end-of-turn token, a stop string).
    case stop
    /// The token limit was reached.
    case length
    /// The stream ended without saying it was complete (no `[DONE]`, no finish reason).
    case truncated
    /// The backend reported an error inside the stream.
    case error
}

/// One event of a streamed reply.
public enum ReplyEvent: Sendable, Equatable {
    /// A piece of the answer.
    case text(String)
    /// A piece of reasoning text, kept apart from the answer.
    case reasoning(String)
    /// Token counts, when the backend knows them.
    case usage(TokenUsage)
    /// The reply is complete; nothing follows.
    case finish(FinishReason)
    /// Something the user should know that is not part of the reply (a retry, a fallback).
    case notice(String)
}

/// What a backend is, for the status line and for the stored message.
public struct BackendDescriptor: Sendable, Equatable {
    /// The configured name (`local`, `openai`, ...).
    public var name: String
    /// The implementation (`local`, `openai`).
    public var kind: String
    public var model: String

    public init(name: String, kind: String, model: String) {
        self.name = name
        self.kind = kind
        self.model = model
    }
}

/// The seam between the conversation engine and a model.
///
/// `reply(to:)` streams events and must finish the stream on every path; cancelling the consuming
/// task (or dropping the stream) must stop the work promptly.
public protocol ChatBackend: Sendable {
    var descriptor: BackendDescriptor { get }
    /// The context window in tokens, used to fit the history.
    var contextSize: Int { get }
    /// Tokens a message takes in this backend's prompt format: exact where the tokenizer is known.
    func tokenCount(of message: ChatMessage) -> Int
    /// A floor under `tokenCount(of:)` worked out from the text's size alone, without tokenizing:
    /// lets the context fitter leave out a message far too large for the context at no cost.
    func minimumTokenCount(of message: ChatMessage) -> Int
    func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error>
    /// Returns when work a backend does after its replies (the local runtime readies and saves the
    /// conversation's state for the next turn) is done; a command calls it before it exits.
    func finishBackgroundWork() async
}

extension ChatBackend {
    /// No floor known: every message is counted.
    public func minimumTokenCount(of message: ChatMessage) -> Int { 0 }
    /// Nothing runs after a reply.
    public func finishBackgroundWork() async {}
}
