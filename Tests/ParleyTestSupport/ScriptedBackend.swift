import Foundation
import ParleyCore

/// A test double that replays scripted reply events, for engine and CLI tests. Never part of the product.
///
/// Each step is an event to send, optionally after a pause; `.fail` ends the stream with an error and
/// `.hang` waits until cancelled (to test cancellation).
public struct ScriptedBackend: ChatBackend {
    public enum Step: Sendable {
        case event(ReplyEvent)
        case pause(Duration)
        case fail(String)
        case hang
    }

    public struct ScriptedError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let descriptor: BackendDescriptor
    public let contextSize: Int
    public let steps: [Step]
    /// Every request the backend received, in order.
    public let requests = RequestLog()

    public init(steps: [Step], contextSize: Int = 4096, name: String = "scripted", model: String = "script-1") {
        self.steps = steps
        self.contextSize = contextSize
        self.descriptor = BackendDescriptor(name: name, kind: "scripted", model: model)
    }

    /// A reply made of text pieces followed by a `stop` finish.
    public static func replying(_ pieces: [String], contextSize: Int = 4096) -> ScriptedBackend {
        ScriptedBackend(steps: pieces.map { .event(.text($0)) } + [.event(.finish(.stop))], contextSize: contextSize)
    }

    /// One token per character: easy to reason about in context tests.
    public func tokenCount(of message: ChatMessage) -> Int { message.content.count + 1 }

    public func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> {
        requests.append(request)
        let steps = self.steps
        return AsyncThrowingStream { continuation in
            let task = Task {
                for step in steps {
                    if Task.isCancelled { break }
                    switch step {
                    case .event(let event):
                        continuation.yield(event)
                    case .pause(let duration):
                        try? await Task.sleep(for: duration)
                    case .fail(let message):
                        continuation.finish(throwing: ScriptedError(description: message))
                        return
                    case .hang:
                        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A thread-safe list of the requests a test double saw.
public final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ChatRequest] = []

    public init() {}

    public func append(_ request: ChatRequest) { lock.withLock { items.append(request) } }

    public var all: [ChatRequest] { lock.withLock { items } }
}
