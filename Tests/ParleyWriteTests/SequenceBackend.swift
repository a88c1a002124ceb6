import Foundation
import ParleyCore
import ParleyTestSupport

/// A test double that gives each request its own scripted reply, in order (the last one again
/// when they run out), so a test can make a first attempt fail its checks and a second pass.
struct SequenceBackend: ChatBackend {
    let descriptor = BackendDescriptor(name: "scripted", kind: "scripted", model: "script-1")
    let contextSize = 8192
    let replies: [String]
    let requests = RequestLog()

    init(_ replies: [String]) {
        self.replies = replies
    }

    func tokenCount(of message: ChatMessage) -> Int { message.content.count / 4 + 1 }

    func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> {
        requests.append(request)
        let text = replies[min(requests.all.count - 1, replies.count - 1)]
        return AsyncThrowingStream { continuation in
            continuation.yield(.text(text))
            continuation.yield(.finish(.stop))
            continuation.finish()
        }
    }
}
