import Foundation
import ParleyCore

/// A test double that answers each prompt by what it asks for: the first rule whose key appears in
/// the last user message gives the reply. Unlike `ScriptedBackend` (one script for every request)
/// it can play a whole multi-stage exchange. Every request is logged, with its response format, and
/// each reply reports a token usage (a quarter of the characters sent and returned).
struct RoutedBackend: ChatBackend {
    let rules: [(key: String, reply: String)]
    let fallback: String
    let descriptor = BackendDescriptor(name: "routed", kind: "scripted", model: "routed-1")
    let contextSize = 100_000
    let log = PromptLog()

    init(_ rules: [(key: String, reply: String)], fallback: String = "") {
        self.rules = rules
        self.fallback = fallback
    }

    func tokenCount(of message: ChatMessage) -> Int { message.content.count / 4 + 1 }

    func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> {
        let prompt = request.messages.last(where: { $0.role == .user })?.content ?? ""
        log.append(prompt, maxTokens: request.sampling.maxTokens, format: request.format)
        let text = rules.first { prompt.contains($0.key) }?.reply ?? fallback
        let sent = request.messages.map { tokenCount(of: $0) }.reduce(0, +)
        return AsyncThrowingStream { continuation in
            continuation.yield(.text(text))
            continuation.yield(.usage(TokenUsage(promptTokens: sent, completionTokens: text.count / 4 + 1)))
            continuation.yield(.finish(.stop))
            continuation.finish()
        }
    }
}

/// The prompts a test double received, in order.
final class PromptLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(prompt: String, maxTokens: Int?, format: ResponseFormat?)] = []

    func append(_ prompt: String, maxTokens: Int?, format: ResponseFormat? = nil) {
        lock.withLock { items.append((prompt, maxTokens, format)) }
    }
    var prompts: [String] { lock.withLock { items.map(\.prompt) } }
    var maxTokens: [Int?] { lock.withLock { items.map(\.maxTokens) } }
    /// The JSON schema text of each request (nil for one without a schema).
    var schemas: [String?] {
        lock.withLock {
            items.map {
                if case .jsonSchema(_, let schema)? = $0.format { return schema }
                return nil
            }
        }
    }
}
