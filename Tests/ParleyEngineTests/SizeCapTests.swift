import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import Testing
@testable import ParleyEngine

/// The engine's caps on what a turn may hold: a reply ends at its size cap, marked truncated; a
/// message over the input cap is refused before anything is stored; a history far larger than the
/// context is trimmed without counting what cannot fit.
@Suite("Size caps")
struct SizeCapTests {
    let root: URL
    let store: ConversationStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-caps-\(UUID().uuidString)")
        store = try ConversationStore(root: root, diagnostics: { _ in })
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }

    @Test func aReplyPastTheDefaultCapEndsTruncatedWithANote() async throws {
        defer { cleanUp() }
        // 5 MiB in 64 KiB pieces, then a normal end: past the 4 MiB default.
        let piece = String(repeating: "abcdefgh", count: 8 << 10)
        let backend = ScriptedBackend.replying(Array(repeating: piece, count: 80))
        let events = EventLog()
        let outcome = try await ConversationEngine(store: store).send(
            "Write a lot", to: .newConversation(persona: "assistant", mode: .chat), using: backend,
            settings: TurnSettings()
        ) { events.append($0) }
        #expect(outcome.reply.content.utf8.count == 4 << 20)
        #expect(events.text.utf8.count == 4 << 20)
        #expect(outcome.reply.status == .interrupted)
        #expect(outcome.reply.finishReason == "truncated")
        let note = try #require(outcome.reply.error)
        #expect(note.contains("4 MiB") && note.contains("max_reply_bytes"), "\(note)")
        let stored = try store.load(id: outcome.conversation.id)
        #expect(stored.conversation.messages.last?.content.utf8.count == 4 << 20)
    }

    @Test func aMessageOverTheDefaultInputCapIsRefusedBeforeItIsStored() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend.replying(["ok"])
        let text = String(repeating: "x", count: (1 << 20) + 1)
        do {
            _ = try await ConversationEngine(store: store).send(
                text, to: .newConversation(persona: "assistant", mode: .chat), using: backend, settings: TurnSettings()
            ) { _ in }
            Issue.record("a message over 1 MiB was sent")
        } catch {
            let line = oneLineDescription(of: error)
            #expect(line.contains("1 MiB") && line.contains("max_input_bytes"), "\(line)")
        }
        #expect(try store.list().isEmpty)
        #expect(backend.requests.all.isEmpty)
    }

    @Test func aHugeOldMessageIsLeftOutWithoutBeingCounted() async throws {
        defer { cleanUp() }
        let huge = String(repeating: "y", count: 8 << 20)
        var conversation = Conversation(persona: "assistant")
        conversation.messages = [
            Message(role: .user, content: "first"), Message(role: .assistant, content: huge),
            Message(role: .user, content: "second"), Message(role: .assistant, content: "short answer"),
        ]
        let backend = CountingBackend(base: .replying(["fine"]))
        let outcome = try await ConversationEngine(store: nil).send(
            "third", to: .unsaved(conversation), using: backend, settings: TurnSettings(systemPrompt: "sys")
        ) { _ in }
        #expect(outcome.reply.content == "fine")
        let sent = try #require(backend.base.requests.all.first).messages.map(\.content)
        #expect(sent == ["sys", "second", "short answer", "third"])
        #expect(backend.countedSizes.allSatisfy { $0 < 1000 }, "counted \(backend.countedSizes)")
    }

    @Test func aMaxTokensAsLargeAsTheContextIsNamed() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend.replying(["ok"], contextSize: 2048)
        let outcome = try await ConversationEngine(store: nil).send(
            "hi", to: .unsaved(Conversation(persona: "assistant")), using: backend,
            settings: TurnSettings(sampling: SamplingOptions(maxTokens: 5000))
        ) { _ in }
        let reason = try #require(outcome.failure)
        #expect(reason.contains("5000") && reason.contains("2048"), "\(reason)")
        #expect(!reason.contains("0 are available"), "\(reason)")
    }
}

/// Records the size of every message whose tokens were counted; a byte-based floor lets the
/// fitter skip messages that cannot fit.
final class CountingBackend: ChatBackend, @unchecked Sendable {
    let base: ScriptedBackend
    private let lock = NSLock()
    private var sizes: [Int] = []

    init(base: ScriptedBackend) { self.base = base }

    var countedSizes: [Int] { lock.withLock { sizes } }
    var descriptor: BackendDescriptor { base.descriptor }
    var contextSize: Int { base.contextSize }

    func tokenCount(of message: ChatMessage) -> Int {
        lock.withLock { sizes.append(message.content.utf8.count) }
        return base.tokenCount(of: message)
    }

    func minimumTokenCount(of message: ChatMessage) -> Int { message.content.utf8.count / 4 }

    func reply(to request: ChatRequest) -> AsyncThrowingStream<ReplyEvent, Error> { base.reply(to: request) }
}
