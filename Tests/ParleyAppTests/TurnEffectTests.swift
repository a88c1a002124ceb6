import Foundation
import ParleyCore
import ParleyStore
import ParleyTUI
import ParleyTestSupport
import Testing

@testable import ParleyApp

/// Turns: send, retry, cancel, and what a persona or schema changes about the next one.
@Suite("Effect runner: turns", .timeLimit(.minutes(1)))
struct TurnEffectTests {
    @Test func sendStreamsTheReplyAndStoresANewConversation() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let events = await fixture.run(
            .send(text: "Hi", conversationID: nil, persona: "assistant", mode: .chat, replacingFrom: nil), through: \.isTurnEnd)
        guard case .turnStarted(let conversationID, let messageID) = events.first,
            case .turnFinished(let conversation) = events.last
        else { Issue.record("got \(events)"); return }
        #expect(Array(events.dropFirst().dropLast()) == [.turnText("Hello"), .turnText(" there")])
        #expect(conversation.messages.map(\.content) == ["Hi", "Hello there"])
        #expect(try fixture.stored(conversationID).messages.map(\.content) == ["Hi", "Hello there"])
        #expect(conversation.messages.last?.id == messageID)
        #expect(conversation.persona == "assistant")
        #expect(conversation.backend == BackendChoice(name: "scripted", kind: "scripted", model: "script-1"))
    }

    @Test func sendReplacingFromDropsTheEditedMessageAndWhatFollowed() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        let events = await fixture.run(
            .send(text: "How do I get to Paris?", conversationID: "conv-1", persona: "assistant", mode: .chat, replacingFrom: "conv-1-question"),
            through: \.isTurnEnd)
        guard case .turnFinished(let conversation) = events.last else { Issue.record("got \(events)"); return }
        #expect(conversation.messages.map(\.content) == ["How do I get to Paris?", "Hello there"])
        #expect(try fixture.stored("conv-1").messages.map(\.content) == ["How do I get to Paris?", "Hello there"])
    }

    @Test func retryKeepsTheOldVersionsAsAlternatives() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let old = try fixture.storedConversation(reply: "Take the train.")
        let events = await fixture.run(
            .retry(
                conversationID: "conv-1", userMessageID: "conv-1-question", text: "How do I get to Lyon?", previousVersions: ["Take the train."],
                previousReply: old.messages[1]),
            through: \.isTurnEnd)
        guard case .turnFinished(let conversation) = events.last else { Issue.record("got \(events)"); return }
        #expect(conversation.messages.count == 2)
        #expect(conversation.messages.last?.versions == ["Take the train.", "Hello there"])
        #expect(conversation.messages.last?.content == "Hello there")
        #expect(try fixture.stored("conv-1").messages.last?.versions == ["Take the train.", "Hello there"])
    }

    @Test func sendToAConversationThatIsNotThereFailsTheTurn() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.send(text: "Hi", conversationID: "missing-1", persona: "assistant", mode: .chat, replacingFrom: "m"))
        guard case .turnFailed(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.contains("missing-1"))
    }

    @Test func cancelTurnStopsTheReplyAndSavesWhatStreamed() async throws {
        var fixture = try RunnerFixture(backend: ScriptedBackend(steps: [.event(.text("Partial answer")), .hang]))
        defer { fixture.remove() }
        let started = await fixture.run(
            .send(text: "Hi", conversationID: nil, persona: "assistant", mode: .chat, replacingFrom: nil),
            through: { $0 == .turnText("Partial answer") })
        guard case .turnStarted(let conversationID, _) = started.first else { Issue.record("got \(started)"); return }
        await fixture.runner.run(.cancelTurn)
        let end = await fixture.events.events(through: \.isTurnEnd)
        guard case .turnFinished(let conversation) = end.last else { Issue.record("got \(end)"); return }
        #expect(conversation.messages.last?.content == "Partial answer")
        #expect(conversation.messages.last?.status == .interrupted)
        let stored = try fixture.stored(conversationID)
        #expect(stored.messages.last?.content == "Partial answer")
        #expect(stored.messages.last?.status == .interrupted)
    }

    @Test func finishTurnCancelsTheRunningReplyAndWaitsUntilItIsSaved() async throws {
        var fixture = try RunnerFixture(backend: ScriptedBackend(steps: [.event(.text("So far")), .hang]))
        defer { fixture.remove() }
        let started = await fixture.run(
            .send(text: "Hi", conversationID: nil, persona: "assistant", mode: .chat, replacingFrom: nil), through: { $0 == .turnText("So far") })
        guard case .turnStarted(let conversationID, _) = started.first else { Issue.record("got \(started)"); return }
        await fixture.runner.finishTurn(cancel: true)
        let reply = try #require(try fixture.stored(conversationID).messages.last)
        #expect(reply.content == "So far")
        #expect(reply.status == .interrupted)
    }

    @Test func setPersonaChangesTheStoredPersonaAndTheNextTurnsPrompt() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        let event = await fixture.run(.setPersona("writer", conversationID: "conv-1"))
        #expect(event == .personaChanged("writer"))
        #expect(try fixture.stored("conv-1").persona == "writer")
        let backend = try #require(await fixture.runner.backend as? ScriptedBackend)
        _ = await fixture.run(.send(text: "Hi", conversationID: "conv-1", persona: "writer", mode: .chat, replacingFrom: nil), through: \.isTurnEnd)
        let system = try #require(backend.requests.all.last?.messages.first)
        #expect(system.role == .system)
        #expect(system.content == (try fixture.personas.persona(named: "writer")).systemPrompt)
    }

    @Test func setPersonaThatIsNotThereIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.setPersona("nobody", conversationID: nil))
        guard case .error(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.hasPrefix("unknown persona 'nobody'"))
    }

    @Test func setSchemaAppliesTheSchemaToTheNextTurnsAndNilStopsIt() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let path = fixture.path("answer.json")
        let schema = #"{"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}"#
        try schema.write(toFile: path, atomically: true, encoding: .utf8)
        let changed = await fixture.run(.setSchema(path: path))
        #expect(changed == .schemaChanged("answer"))
        #expect(await fixture.runner.responseFormat == .jsonSchema(name: "answer", schema: schema))
        let stopped = await fixture.run(.setSchema(path: nil))
        #expect(stopped == .schemaChanged(nil))
        #expect(await fixture.runner.responseFormat == nil)
    }

    @Test func setSchemaWithABadFileIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let path = fixture.path("broken.json")
        try "not json at all".write(toFile: path, atomically: true, encoding: .utf8)
        let event = await fixture.run(.setSchema(path: path))
        guard case .error(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.hasPrefix(path))
        #expect(await fixture.runner.responseFormat == nil)
    }
}
