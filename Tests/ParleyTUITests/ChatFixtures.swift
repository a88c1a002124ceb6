import Foundation
import ParleyCore

@testable import ParleyTUI

/// Builds states and drives the reducer for tests, at a fixed clock.
struct ChatHarness {
    var state: ChatState
    let reducer: ChatReducer
    var effects: [ChatEffect] = []
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    init(
        width: Int = 80, height: Int = 24, messages: [Message] = [], stored: Bool = false, title: String = "",
        reducer: ChatReducer = ChatReducer()
    ) {
        self.reducer = reducer
        var conversation = Conversation(id: "20270115-080000-abcdef", title: title, createdAt: ChatHarness.epoch, persona: "assistant")
        conversation.messages = messages
        state = ChatState(
            width: width, height: height, conversation: conversation, isStored: stored || !messages.isEmpty,
            persona: "assistant", backend: BackendInfo(name: "openai", model: "test-model", contextSize: 8192))
        state.knownPersonas = ["assistant", "coder", "critic"]
        state.knownBackends = ["local", "openai"]
        state.knownModels = ["test-model"]
    }

    @discardableResult
    mutating func send(_ event: ChatEvent, at seconds: Double = 0) -> [ChatEffect] {
        let produced = reducer.reduce(&state, event, now: ChatHarness.epoch.addingTimeInterval(seconds))
        effects += produced
        return produced
    }

    @discardableResult
    mutating func key(_ key: Key) -> [ChatEffect] { send(.input(.key(key))) }

    mutating func type(_ text: String) {
        for c in text { key(.character(c)) }
    }

    func render(now seconds: Double = 0) -> CellBuffer {
        ChatView(layout: reducer.layout).render(state, now: ChatHarness.epoch.addingTimeInterval(seconds)).buffer
    }

    static func message(_ role: Role, _ content: String, status: MessageStatus = .complete, error: String? = nil, index: Int) -> Message {
        Message(
            id: String(format: "m%05d", index), role: role, content: content, createdAt: epoch.addingTimeInterval(Double(index)),
            status: status, backend: role == .assistant ? "openai" : nil, model: role == .assistant ? "test-model" : nil, error: error)
    }

    /// A conversation of `turns` question-and-answer pairs with some Markdown.
    static func conversation(turns: Int) -> [Message] {
        var messages: [Message] = []
        for i in 0..<turns {
            messages.append(message(.user, "Question \(i + 1): how do I do thing number \(i + 1)?", index: i * 2))
            messages.append(
                message(
                    .assistant,
                    "Answer \(i + 1) with **bold** and `code`:\n\n- step one\n- step two, which is long enough to wrap on a narrow screen\n\n```sh\nrun --thing \(i + 1)\n```",
                    index: i * 2 + 1))
        }
        return messages
    }
}

/// Ids in the order they are asked for ("id1", "id2", ...), for tests that name the ids a
/// reducer makes.
final class CountingIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func next() -> String {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return "id\(count)"
    }

    /// A reducer whose ids come from this counter.
    func reducer() -> ChatReducer { ChatReducer(makeID: { self.next() }) }
}
