import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import Testing
@testable import ParleyEngine

/// Collects engine events from any thread.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [TurnEvent] = []
    func append(_ event: TurnEvent) { lock.withLock { items.append(event) } }
    var all: [TurnEvent] { lock.withLock { items } }
    var text: String {
        all.compactMap { if case .text(let t) = $0 { return t } else { return nil } }.joined()
    }
}

@Suite("Conversation engine")
struct ConversationEngineTests {
    let root: URL
    let store: ConversationStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-engine-\(UUID().uuidString)")
        store = try ConversationStore(root: root, diagnostics: { _ in })
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }

    @Test func newConversationStoresQuestionAndStreamedReply() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend(steps: [
            .event(.text("Hel")), .event(.text("lo!")),
            .event(.usage(TokenUsage(promptTokens: 12, completionTokens: 2))), .event(.finish(.stop)),
        ])
        let events = EventLog()
        let outcome = try await ConversationEngine(store: store).send(
            "Say hello", to: .newConversation(persona: "assistant", mode: .chat), using: backend,
            settings: TurnSettings(systemPrompt: "Be brief.")
        ) { events.append($0) }

        #expect(events.text == "Hello!")
        guard case .started(let conversationID, let messageID)? = events.all.first else {
            Issue.record("first event must be .started")
            return
        }
        #expect(outcome.failure == nil)
        let stored = try store.load(id: conversationID).conversation
        #expect(stored.title == "Say hello")
        #expect(stored.persona == "assistant")
        #expect(stored.messages.map(\.role) == [.user, .assistant])
        #expect(stored.messages[0].content == "Say hello")
        let reply = stored.messages[1]
        #expect(reply.id == messageID)
        #expect(reply.content == "Hello!")
        #expect(reply.status == .complete)
        #expect(reply.finishReason == "stop")
        #expect(reply.usage == TokenUsage(promptTokens: 12, completionTokens: 2))
        #expect(reply.backend == "scripted")
        #expect(reply.model == "script-1")
        // The backend saw the system prompt first and the question last.
        let sent = try #require(backend.requests.all.first).messages
        #expect(sent == [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Say hello")])
    }

    @Test func existingConversationGetsTheNewTurnAndTheHistoryIsSent() async throws {
        defer { cleanUp() }
        let engine = ConversationEngine(store: store)
        let first = try await engine.send(
            "One", to: .newConversation(persona: nil, mode: .chat), using: ScriptedBackend.replying(["Uno"]),
            settings: TurnSettings()) { _ in }
        let backend = ScriptedBackend.replying(["Dos"])
        _ = try await engine.send(
            "Two", to: .existing(id: first.conversation.id), using: backend, settings: TurnSettings()) { _ in }
        let stored = try store.load(id: first.conversation.id).conversation
        #expect(stored.messages.map(\.content) == ["One", "Uno", "Two", "Dos"])
        #expect(backend.requests.all.first?.messages.map(\.content) == ["One", "Uno", "Two"])
    }

    @Test func cancellingKeepsThePartialReplyMarkedInterrupted() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend(steps: [.event(.text("partial ")), .event(.text("answer")), .hang])
        let events = EventLog()
        let engine = ConversationEngine(store: store)
        let turn = Task {
            try await engine.send("Go", to: .newConversation(persona: nil, mode: .chat), using: backend,
                                  settings: TurnSettings()) { events.append($0) }
        }
        while events.text != "partial answer" { try await Task.sleep(for: .milliseconds(5)) }
        turn.cancel()
        let outcome = try await turn.value
        #expect(outcome.reply.status == .interrupted)
        #expect(outcome.reply.finishReason == "cancelled")
        let stored = try store.load(id: outcome.conversation.id).conversation
        #expect(stored.messages.last?.content == "partial answer")
        #expect(stored.messages.last?.status == .interrupted)
    }

    @Test func backendErrorKeepsWhatArrivedAndRecordsTheError() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend(steps: [.event(.text("half")), .fail("server went away")])
        let outcome = try await ConversationEngine(store: store).send(
            "Q", to: .newConversation(persona: nil, mode: .chat), using: backend, settings: TurnSettings()) { _ in }
        let reply = try store.load(id: outcome.conversation.id).conversation.messages.last
        #expect(reply?.content == "half")
        #expect(reply?.status == .failed)
        #expect(reply?.error == "server went away")
        #expect(outcome.failure == "server went away")
    }

    @Test func streamEndingWithoutFinishIsRecordedAsTruncated() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend(steps: [.event(.text("cut"))])
        let outcome = try await ConversationEngine(store: store).send(
            "Q", to: .newConversation(persona: nil, mode: .chat), using: backend, settings: TurnSettings()) { _ in }
        #expect(outcome.reply.status == .interrupted)
        #expect(outcome.reply.finishReason == "truncated")
        #expect(try store.load(id: outcome.conversation.id).conversation.messages.last?.finishReason == "truncated")
    }

    @Test func streamedTextIsOnDiskWhileTheStreamIsStillOpen() async throws {
        defer { cleanUp() }
        // The backend sends text and then goes silent: only the periodic checkpoint can put the text
        // on disk before the stream ends.
        let backend = ScriptedBackend(steps: [.event(.text("shown on screen")), .hang])
        let events = EventLog()
        let engine = ConversationEngine(store: store)
        let turn = Task {
            try await engine.send("Q", to: .newConversation(persona: nil, mode: .chat), using: backend,
                                  settings: TurnSettings(checkpointInterval: .milliseconds(100))) { events.append($0) }
        }
        while events.text.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        guard case .started(let id, _)? = events.all.first else {
            Issue.record("no start event")
            return
        }
        var onDisk = ""
        for _ in 0..<100 where onDisk != "shown on screen" {
            try await Task.sleep(for: .milliseconds(50))
            onDisk = try store.load(id: id).conversation.messages.last?.content ?? ""
        }
        #expect(onDisk == "shown on screen")
        turn.cancel()
        _ = try await turn.value
    }

    @Test func oldTurnsAreDroppedToFitTheContextAndTheUserIsTold() async throws {
        defer { cleanUp() }
        let engine = ConversationEngine(store: store)
        let first = try await engine.send(
            String(repeating: "a", count: 40), to: .newConversation(persona: nil, mode: .chat),
            using: ScriptedBackend.replying([String(repeating: "b", count: 40)]), settings: TurnSettings()) { _ in }
        // Context 80 with 20 reserved: system (5+1) + old turn (82) + new question (4) do not fit.
        let backend = ScriptedBackend.replying(["ok"], contextSize: 80)
        let events = EventLog()
        _ = try await engine.send(
            "new", to: .existing(id: first.conversation.id), using: backend,
            settings: TurnSettings(systemPrompt: "brief", sampling: SamplingOptions(maxTokens: 20))) { events.append($0) }
        #expect(backend.requests.all.first?.messages.map(\.content) == ["brief", "new"])
        #expect(events.all.contains(.contextTrimmed(droppedMessages: 2, promptTokens: 10, contextSize: 80)))
    }

    @Test func aMessageTooLongForTheContextFailsWithoutAskingTheBackend() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend.replying(["never"], contextSize: 50)
        let outcome = try await ConversationEngine(store: store).send(
            String(repeating: "x", count: 100), to: .newConversation(persona: nil, mode: .chat), using: backend,
            settings: TurnSettings(sampling: SamplingOptions(maxTokens: 10))) { _ in }
        #expect(backend.requests.all.isEmpty)
        #expect(outcome.reply.status == .failed)
        #expect(outcome.failure?.contains("too long for the context window") == true)
        let stored = try store.load(id: outcome.conversation.id).conversation
        #expect(stored.messages.first?.content.count == 100)
        #expect(stored.messages.last?.status == .failed)
    }

    /// A second writer refused because another Parley is replying in the conversation leaves no
    /// trace: neither its question nor an empty reply (which would later show as "interrupted").
    @Test func aTurnRefusedBecauseAnotherParleyIsReplyingWritesNothing() async throws {
        defer { cleanUp() }
        let engine = ConversationEngine(store: store)
        let first = try await engine.send(
            "One", to: .newConversation(persona: nil, mode: .chat), using: ScriptedBackend.replying(["Uno"]),
            settings: TurnSettings()) { _ in }
        let id = first.conversation.id
        let before = try store.load(id: id).conversation
        // Another process is streaming a reply into the same conversation right now.
        let other = try ConversationStore(root: root, diagnostics: { _ in })
        let busy = try other.beginReply(conversationID: id, messageID: "theirs")
        let afterTheirs = try store.load(id: id).conversation

        let backend = ScriptedBackend.replying(["never"])
        await #expect(throws: StoreError.replyInProgress(id: id)) {
            _ = try await engine.send("Two", to: .existing(id: id), using: backend, settings: TurnSettings()) { _ in }
        }
        #expect(backend.requests.all.isEmpty)
        #expect(try store.load(id: id).conversation == afterTheirs)
        #expect(afterTheirs.messages.count == before.messages.count + 1)
        try busy.finish { $0.content = "theirs" }
        let final = try store.load(id: id).conversation
        #expect(final.messages.map(\.content) == ["One", "Uno", "theirs"])
        #expect(!final.messages.contains { $0.status == .interrupted })
    }

    @Test func unsavedTurnsWriteNothing() async throws {
        defer { cleanUp() }
        let outcome = try await ConversationEngine(store: nil).send(
            "Q", to: .unsaved(Conversation()), using: ScriptedBackend.replying(["A"]), settings: TurnSettings()) { _ in }
        #expect(outcome.reply.content == "A")
        #expect(outcome.conversation.messages.count == 2)
        #expect(try store.list().isEmpty)
    }

    /// A stored conversation's requests carry its id, so a backend can find its saved state again
    /// in a later process; an unsaved one's carry none.
    @Test func requestsOfStoredConversationsCarryTheirID() async throws {
        defer { cleanUp() }
        let backend = ScriptedBackend.replying(["A"])
        let engine = ConversationEngine(store: store)
        let first = try await engine.send(
            "Q", to: .newConversation(persona: nil, mode: .chat), using: backend, settings: TurnSettings()) { _ in }
        _ = try await engine.send(
            "Q2", to: .existing(id: first.conversation.id), using: backend, settings: TurnSettings()) { _ in }
        _ = try await ConversationEngine(store: nil).send(
            "Q", to: .unsaved(Conversation()), using: backend, settings: TurnSettings()) { _ in }
        #expect(backend.requests.all.map(\.cacheKey) == [first.conversation.id, first.conversation.id, nil])
    }

    @Test func emptyMessagesAreRefused() async throws {
        defer { cleanUp() }
        await #expect(throws: ConversationEngine.Failure.self) {
            try await ConversationEngine(store: store).send(
                "  \n ", to: .newConversation(persona: nil, mode: .chat), using: ScriptedBackend.replying(["A"]),
                settings: TurnSettings()) { _ in }
        }
        #expect(try store.list().isEmpty)
    }
}

@Suite("Safety notice")
struct SafetyNoticeTests {
    @Test func crisisLanguageBringsTheFixedNoticeWhateverTheModelSays() async throws {
        let events = EventLog()
        _ = try await ConversationEngine(store: nil).send(
            "I don't want to live anymore", to: .unsaved(Conversation()),
            using: ScriptedBackend.replying(["Here is a joke instead."]), settings: TurnSettings()
        ) { events.append($0) }
        #expect(events.all.contains(.safetyNotice(CrisisCheck.notice)))
        let quiet = EventLog()
        _ = try await ConversationEngine(store: nil).send(
            "Plan my week", to: .unsaved(Conversation()), using: ScriptedBackend.replying(["ok"]), settings: TurnSettings()
        ) { quiet.append($0) }
        #expect(!quiet.all.contains { if case .safetyNotice = $0 { return true } else { return false } })
    }
}
