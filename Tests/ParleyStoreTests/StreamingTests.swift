import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

@Suite("Reply checkpoints while streaming")
struct StreamingTests {
    @Test func checkpointsAreVisibleToReadersAndFinishFoldsThemIn() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", messages: ["question"]))
        let fileBefore = try fixture.bytes("c1")
        let checkpoint = try fixture.store.beginReply(conversationID: "c1", messageID: "r1")
        #expect(try fixture.bytes("c1") != fileBefore)
        try checkpoint.write(content: "Hel", reasoning: "thinking")
        let conversationFile = try fixture.bytes("c1")

        // A reader (here: another store on the same root) sees the text so far, still streaming,
        // and writes nothing.
        let reader = try fixture.reopen()
        let live = try reader.load(id: "c1").conversation
        #expect(live.messages.map(\.id) == ["c1-m0", "r1"])
        #expect(live.messages[1].content == "Hel")
        #expect(live.messages[1].reasoning == "thinking")
        #expect(live.messages[1].status == .streaming)
        #expect(live.messages[1].role == .assistant)
        let listed = try reader.list()
        #expect(listed.map(\.messageCount) == [2])
        #expect(try reader.search("Hel").map(\.messageID) == ["r1"])
        #expect(try fixture.bytes("c1") == conversationFile)
        #expect(FileManager.default.fileExists(atPath: fixture.layout.inflightFile("c1").path))

        #expect(throws: StoreError.replyInProgress(id: "c1")) {
            _ = try reader.beginReply(conversationID: "c1", messageID: "r2")
        }

        try checkpoint.write(content: "Hello", reasoning: "thinking more")
        try checkpoint.finish { message in
            message.status = .complete
            message.finishReason = "stop"
            message.usage = TokenUsage(promptTokens: 5, completionTokens: 2)
        }
        let done = try fixture.store.load(id: "c1").conversation.messages[1]
        #expect(done.content == "Hello")
        #expect(done.reasoning == "thinking more")
        #expect(done.status == .complete)
        #expect(done.finishReason == "stop")
        #expect(!FileManager.default.fileExists(atPath: fixture.layout.inflightFile("c1").path))
        #expect(throws: StoreError.checkpointFinished(id: "c1")) { try checkpoint.write(content: "late", reasoning: nil) }
        #expect(fixture.diagnostics.all.isEmpty)

        // The stream lock is free again.
        let next = try reader.beginReply(conversationID: "c1", messageID: "r2")
        try next.finish { $0.content = "second" }
        #expect(try fixture.store.load(id: "c1").conversation.messages.map(\.status) == [.complete, .complete, .complete])
    }

    @Test func beginReplyUsesAnExistingMessage() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var conversation = sampleConversation(id: "c1", messages: ["question"])
        conversation.messages.append(Message(id: "r1", role: .assistant, content: "", status: .streaming))
        try fixture.store.create(conversation)
        let checkpoint = try fixture.store.beginReply(conversationID: "c1", messageID: "r1")
        try checkpoint.write(content: "answer", reasoning: nil)
        try checkpoint.finish { _ in }
        let messages = try fixture.store.load(id: "c1").conversation.messages
        #expect(messages.map(\.id) == ["c1-m0", "r1"])
        #expect(messages[1].content == "answer")
        #expect(messages[1].status == .complete)
    }

    @Test func aStreamingMessageWithNoWriterBecomesInterrupted() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var conversation = sampleConversation(id: "c1", messages: ["question"])
        conversation.messages.append(Message(id: "r1", role: .assistant, content: "half an ans", status: .streaming))
        try fixture.store.create(conversation)
        let loaded = try fixture.store.load(id: "c1").conversation
        #expect(loaded.messages[1].status == .interrupted)
        #expect(loaded.messages[1].content == "half an ans")
        #expect(loaded.messages[1].error != nil)
        #expect(fixture.diagnostics.contains("recovered an interrupted reply in conversation c1"))
        // Saved, not only shown.
        let onDisk = try ConversationCoding.decode(try fixture.bytes("c1"))
        guard case .current(let saved) = onDisk else {
            Issue.record("not current")
            return
        }
        #expect(saved.messages[1].status == .interrupted)
    }

    @Test func aDeadWritersSideFileIsFoldedInByListAndSearch() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", messages: ["question"]))
        do {
            let checkpoint = try fixture.store.beginReply(conversationID: "c1", messageID: "r1")
            try checkpoint.write(content: "partial answer about zebras", reasoning: nil)
            // Dropped without finish: its stream lock is released as a dead process's would be.
        }
        #expect(FileManager.default.fileExists(atPath: fixture.layout.inflightFile("c1").path))
        let hits = try fixture.store.search("ZEBRAS")
        #expect(hits.map(\.messageID) == ["r1"])
        #expect(!FileManager.default.fileExists(atPath: fixture.layout.inflightFile("c1").path))
        let summary = try #require(try fixture.store.list().first)
        #expect(summary.messageCount == 2)
        let reply = try fixture.store.load(id: "c1").conversation.messages[1]
        #expect(reply.status == .interrupted)
        #expect(reply.content == "partial answer about zebras")
    }

    @Test func aRecoveryThatCannotBeSavedStillShowsTheTextAndKeepsTheSideFile() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", messages: ["question"]))
        do {
            let checkpoint = try fixture.store.beginReply(conversationID: "c1", messageID: "r1")
            try checkpoint.write(content: "partial", reasoning: nil)
        }
        let failing = SwitchableSync()
        failing.failing = true
        let broken = try fixture.reopen(fileSync: failing.fileSync)
        let shown = try broken.load(id: "c1").conversation.messages[1]
        #expect(shown.content == "partial")
        #expect(shown.status == .interrupted)
        #expect(fixture.diagnostics.contains("could not save the recovered reply in conversation c1"))
        #expect(FileManager.default.fileExists(atPath: fixture.layout.inflightFile("c1").path))

        let saved = try fixture.store.load(id: "c1").conversation.messages[1]
        #expect(saved.content == "partial")
        #expect(saved.status == .interrupted)
        #expect(!FileManager.default.fileExists(atPath: fixture.layout.inflightFile("c1").path))
    }

    @Test func finishAfterAStaleFinishedSideFileKeepsTheFinalText() {
        var conversation = sampleConversation(id: "c1", messages: ["q"])
        conversation.messages.append(Message(id: "r1", role: .assistant, content: "final text", status: .complete))
        let stale = InflightReply(
            conversationID: "c1", messageID: "r1", content: "final te", reasoning: nil, pid: 1, updatedAt: Date())
        let changed = ReplyRecovery.recoverDead(stale, in: &conversation)
        #expect(changed.isEmpty)
        #expect(conversation.messages[1].content == "final text")
        #expect(conversation.messages[1].status == .complete)
    }

    @Test func recoveryAddsAReplyWhoseMessageWasNeverSaved() {
        var conversation = sampleConversation(id: "c1", messages: ["q"])
        let orphan = InflightReply(
            conversationID: "c1", messageID: "r9", content: "kept anyway", reasoning: "why", pid: 1, updatedAt: Date())
        #expect(ReplyRecovery.recoverDead(orphan, in: &conversation) == ["r9"])
        #expect(conversation.messages.last?.content == "kept anyway")
        #expect(conversation.messages.last?.status == .interrupted)
        #expect(conversation.messages.last?.reasoning == "why")
    }
}
