import Foundation
import ParleyCore
import ParleyStore
import ParleyTUI
import Testing

@testable import ParleyApp

/// The effects on stored conversations: each one's events and what is on disk after it.
@Suite("Effect runner: conversations", .timeLimit(.minutes(1)))
struct ConversationEffectTests {
    @Test func createConversationSavesItWithoutAnEvent() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let conversation = Conversation(id: "new-1", title: "Before the first send", mode: .write)
        await fixture.runner.run(.createConversation(conversation))
        // Nothing is delivered for it: the next event is the listing's, which shows it saved.
        let listed = await fixture.run(.listConversations)
        guard case .conversationsListed(let entries) = listed else { Issue.record("got \(listed)"); return }
        #expect(entries.map(\.id) == ["new-1"])
        #expect(try fixture.stored("new-1").mode == .write)
        #expect(try fixture.stored("new-1").title == "Before the first send")
    }

    @Test func listConversationsListsTheStoredOnes() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation(id: "conv-a", title: "First")
        try fixture.storedConversation(id: "conv-b", title: "Second")
        let event = await fixture.run(.listConversations)
        guard case .conversationsListed(let entries) = event else { Issue.record("got \(event)"); return }
        #expect(Set(entries.map(\.id)) == ["conv-a", "conv-b"])
        #expect(entries.first { $0.id == "conv-a" }?.title == "First")
        #expect(entries.first { $0.id == "conv-a" }?.messageCount == 2)
    }

    @Test func openConversationLoadsIt() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let stored = try fixture.storedConversation()
        let event = await fixture.run(.openConversation(id: stored.id))
        #expect(event == .conversationLoaded(try fixture.stored(stored.id), readOnly: false))
        // No backend was remembered, so none was made.
        #expect(fixture.backends.requests.isEmpty)
    }

    @Test func openConversationGoesBackToTheBackendItRemembers() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let remembered = BackendChoice(name: "lan", kind: "scripted", model: "big")
        try fixture.storedConversation(backend: remembered)
        let events = await fixture.run(.openConversation(id: "conv-1"), through: \.isBackendChanged)
        #expect(events.count == 2)
        #expect(events.first == .conversationLoaded(try fixture.stored("conv-1"), readOnly: false))
        #expect(events.last == .backendChanged(BackendInfo(name: "lan", model: "big", contextSize: 8192)))
        #expect(fixture.backends.requests.map(\.remembered) == [remembered])
    }

    @Test func openConversationStaysOnThisBackendWhenTheRememberedOneIsGone() async throws {
        var fixture = try RunnerFixture(backends: RecordingBackendMaker(refusing: ["gone"]))
        defer { fixture.remove() }
        try fixture.storedConversation(backend: BackendChoice(name: "gone", kind: "openai"))
        let events = await fixture.run(.openConversation(id: "conv-1"), through: { if case .notice = $0 { true } else { false } })
        #expect(events.last == .notice("no backend named 'gone' in the config; staying on scripted (script-1)"))
        #expect(fixture.backends.requests.isEmpty)
    }

    @Test func openConversationThatIsNotThereIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.openConversation(id: "missing-1"))
        guard case .error(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.contains("missing-1"))
    }

    @Test func renameConversationRenamesTheFile() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        let event = await fixture.run(.renameConversation(id: "conv-1", title: "Lyon by train"))
        #expect(event == .conversationRenamed(id: "conv-1", title: "Lyon by train"))
        #expect(try fixture.stored("conv-1").title == "Lyon by train")
    }

    @Test func trashConversationMovesItToTheTrash() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        let event = await fixture.run(.trashConversation(id: "conv-1"))
        #expect(event == .conversationTrashed(id: "conv-1"))
        #expect(throws: (any Error).self) { try fixture.stored("conv-1") }
        #expect(try fixture.conversations.listTrash().map(\.id) == ["conv-1"])
    }

    @Test func setModeChangesTheStoredMode() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        await fixture.runQuietly(.setMode(conversationID: "conv-1", mode: .decide))
        #expect(try fixture.stored("conv-1").mode == .decide)
    }

    @Test func addSystemMessageAppendsOneWithTheInjectedIdAndTime() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        await fixture.runQuietly(.addSystemMessage(conversationID: "conv-1", text: "Answer in French."))
        let last = try #require(try fixture.stored("conv-1").messages.last)
        #expect(last.role == .system)
        #expect(last.content == "Answer in French.")
        #expect(last.id == "test-1")
        #expect(last.createdAt == RunnerFixture.now)
    }

    @Test func searchFindsTheConversationWithASnippet() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation(reply: "Take the TGV from Paris.")
        try fixture.storedConversation(id: "conv-2", title: "Other", reply: "Nothing relevant.")
        let event = await fixture.run(.search("TGV"))
        guard case .searchResults(let query, let entries) = event else { Issue.record("got \(event)"); return }
        #expect(query == "TGV")
        #expect(entries.map(\.id) == ["conv-1"])
        #expect(entries.first?.snippet?.contains("TGV") == true)
    }

    @Test func exportWritesTheMarkdownTranscriptAndRefusesToReplaceAFile() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let conversation = try fixture.storedConversation()
        let path = fixture.path("travel.md")
        let event = await fixture.run(.export(conversation: conversation, format: .md, path: path))
        #expect(event == .textSaved(path: path, what: .conversation))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == TranscriptFormatter.markdown(conversation))
        let again = await fixture.run(.export(conversation: conversation, format: .json, path: path))
        guard case .saveRefused(let refusedPath, let text, .conversation) = again else { Issue.record("got \(again)"); return }
        #expect(refusedPath == path)
        #expect(text.contains("\"conv-1\""))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == TranscriptFormatter.markdown(conversation))
    }

    @Test func saveTextWritesReplacesOnlyAfterAYes() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let path = fixture.path("draft.txt")
        let first = await fixture.run(.saveText(text: "first", path: path, overwrite: false, what: .draft))
        #expect(first == .textSaved(path: path, what: .draft))
        let refused = await fixture.run(.saveText(text: "second", path: path, overwrite: false, what: .draft))
        #expect(refused == .saveRefused(path: path, text: "second", what: .draft))
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("first"))
        let replaced = await fixture.run(.saveText(text: "second", path: path, overwrite: true, what: .draft))
        #expect(replaced == .textSaved(path: path, what: .draft))
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("second"))
    }

    @Test func chooseAlternativeStoresTheVersionShown() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation(reply: "two", alternatives: ["one", "two"])
        await fixture.runQuietly(.chooseAlternative(conversationID: "conv-1", messageID: "conv-1-reply", content: "one"))
        #expect(try fixture.stored("conv-1").messages.last?.content == "one")
    }

    @Test func saveFeedbackStoresTheRatingAtTheInjectedTime() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        await fixture.runQuietly(.saveFeedback(conversationID: "conv-1", messageID: "conv-1-reply", .rate(version: 1, .up, note: "clear")))
        let feedback = try #require(try fixture.stored("conv-1").messages.last?.feedback)
        #expect(feedback.ratings == [VersionRating(version: 1, rating: .up, note: "clear", ratedAt: RunnerFixture.now)])
    }

    @Test func saveFeedbackThatCannotBeSavedIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        // The question is not a reply: nothing can be rated there.
        let event = await fixture.run(.saveFeedback(conversationID: "conv-1", messageID: "conv-1-question", .rate(version: 1, .down, note: nil)))
        guard case .error(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.hasPrefix("not saved: "))
        #expect(try fixture.stored("conv-1").messages.last?.feedback == nil)
    }

    /// A choice, then a page to another version right after it: both land, in that order, however
    /// many follow each other (the page's text is what the file shows at the end).
    @Test func aChoiceThenAPageLandInTheOrderAsked() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation(reply: "two", alternatives: ["one", "two", "three"])
        let versions = ["one", "two", "three"]
        for round in 0..<20 {
            let chosen = round % 3 + 1
            await fixture.runner.run(.saveFeedback(conversationID: "conv-1", messageID: "conv-1-reply", .prefer(version: chosen)))
            await fixture.runner.run(.chooseAlternative(conversationID: "conv-1", messageID: "conv-1-reply", content: versions[chosen % 3]))
        }
        await fixture.runner.finishTurn(cancel: false)
        let reply = try #require(try fixture.stored("conv-1").messages.last)
        // The last round chose version 2 (which shows it), then paged to version 3.
        #expect(reply.feedback?.preferredVersion == 2)
        #expect(reply.content == "three")
    }

    @Test func finishTurnWaitsForEveryQueuedSave() async throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        for number in 1...30 {
            await fixture.runner.run(.renameConversation(id: "conv-1", title: "Title \(number)"))
        }
        await fixture.runner.finishTurn(cancel: false)
        #expect(try fixture.stored("conv-1").title == "Title 30")
    }

    @Test func theEffectsTheLoopHandlesDeliverNothing() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        for effect: ChatEffect in [
            .copyToClipboard("text"), .quit, .editIdeal(conversationID: "conv-1", messageID: "m", version: 1, text: "t"), .cancelTurn,
        ] {
            await fixture.runner.run(effect)
        }
        // The first event after them is the listing's.
        let listed = await fixture.run(.listConversations)
        #expect(listed == .conversationsListed([]))
    }
}
