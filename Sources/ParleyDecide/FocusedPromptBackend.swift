import Foundation
import ParleyCore

/// Passes a backend only the system prompt, the persona's examples and the newest prompt, leaving
/// out the earlier turns of the decision exchange.
///
/// Why: each prompt of the flow is self-contained (stage 2 carries stage 1's reasoning itself), and
/// the small default model imitates whatever came before — with the history in view it answered a
/// scores prompt in the shape of an earlier pros-and-cons answer. The engine still stores every
/// turn of the exchange; only what the model is shown is narrowed.
public struct FocusedPromptBackend: ChatBackend {
    public let base: any ChatBackend
    /// The few-shot examples that lead every prompt and are kept.
    public let examples: [ChatMessage]

    public init(base: any ChatBackend, examples: [ChatMessage]) {
        self.base = base
        self.examples = examples
    }

    public var descriptor: BackendDescriptor { base.descriptor }
    public var contextSize: Int { base.contextSize }
    public func tokenCount(of message: ChatMessage) -> Int { base.tokenCount(of: message) }
    public func minimumTokenCount(of message: ChatMessage) -> Int { base.minimumTokenCount(of: message) }

    public func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> {
        base.reply(to: FocusedPromptBackend.focus(request, examples: examples))
    }

    /// The leading system messages and examples, then the last message.
    public static func focus(_ request: ChatRequest, examples: [ChatMessage]) -> ChatRequest {
        guard let last = request.messages.last else { return request }
        var leading = Array(request.messages.dropLast().prefix { $0.role == .system || examples.contains($0) })
        leading.append(last)
        var focused = request
        focused.messages = leading
        return focused
    }
}
