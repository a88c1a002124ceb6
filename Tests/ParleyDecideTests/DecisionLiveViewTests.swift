import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore
import ParleyTestSupport
import Testing

@testable import ParleyDecide

/// What the chat screen's decide mode needs from the library: the record handed out while the flow
/// works, the newest record of a conversation, saving whether or not a file exists, and edit errors
/// that name the screen's own commands.
@Suite("decision live view support")
struct DecisionLiveViewTests {
    /// Collects the partial records the flow hands out.
    final class Partials: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [DecisionRecord] = []
        func append(_ record: DecisionRecord) { lock.withLock { items.append(record) } }
        var all: [DecisionRecord] { lock.withLock { items } }
    }

    @Test func theFlowHandsOutTheRecordAfterEachStep() async throws {
        let directory = try StoreTemporaryDirectory("decide-partial")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: RoutedBackend(DecisionSessionTests.trainOrFly.rules),  // its own prompt log
            settings: TurnSettings(systemPrompt: "coach", checkpointInterval: .milliseconds(20)))
        let partials = Partials()
        let session = DecisionSession(turns: turns, partial: { partials.append($0) })
        let record = try await session.run(DecisionRecord(question: "Should I take the train or fly?"))
        let seen = partials.all
        // Options read from the question; criteria; each option's row; the reasoning; the comment.
        #expect(seen.count == 6)
        #expect(seen[0].options.map(\.name) == ["Train", "Fly"] && seen[0].criteria.isEmpty)
        #expect(seen[1].criteria.map(\.name) == ["Cost", "Time"] && seen[1].scores.isEmpty)
        #expect(seen[2].options[0].pros == ["relaxing"] && seen[2].scores.count == 2 && seen[2].options[1].pros.isEmpty)
        #expect(seen[3].scores.count == 4 && seen[3].reasoning.isEmpty)
        #expect(seen[4].reasoning.hasPrefix("Train – Cost (7/10)"))
        #expect(seen[5].recommendation == "The train is kinder to the planet.")
        // The run's cost is added once the flow ends.
        #expect(seen.last?.run == nil && record.run?.modelCalls == 4)
        var last = try #require(seen.last)
        last.run = record.run
        #expect(last == record)
    }

    @Test func latestForAConversationIsTheNewestOfItsRecords() throws {
        let directory = try StoreTemporaryDirectory("decide-latest")
        defer { directory.remove() }
        let store = try DecisionRecord.store(root: directory.url, diagnostics: { _ in })
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        var older = DecisionRecord(id: "20270115-080000-aaaaaa", question: "old", createdAt: base, conversationID: "20270115-070000-cccccc")
        older.updatedAt = base
        var newer = DecisionRecord(id: "20270115-080000-bbbbbb", question: "new", createdAt: base, conversationID: "20270115-070000-cccccc")
        newer.updatedAt = base.addingTimeInterval(60)
        let other = DecisionRecord(id: "20270115-080000-dddddd", question: "other", createdAt: base.addingTimeInterval(120), conversationID: "20270115-070000-eeeeee")
        for record in [older, newer, other] { try store.create(record) }
        #expect(try store.latest(forConversation: "20270115-070000-cccccc")?.question == "new")
        #expect(try store.latest(forConversation: "20270115-070000-ffffff") == nil)
    }

    @Test func saveCreatesThenReplaces() throws {
        let directory = try StoreTemporaryDirectory("decide-save")
        defer { directory.remove() }
        let store = try DecisionRecord.store(root: directory.url, diagnostics: { _ in })
        var record = DecisionRecord(id: "20270115-080000-aaaaaa", question: "Tea or coffee?", createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        try store.save(record)
        #expect(try store.load(id: record.id) == record)
        try record.addOption("Tea", givenBy: .user)
        try store.save(record)
        #expect(try store.load(id: record.id).options.map(\.name) == ["Tea"])
        #expect(try store.list().count == 1)
    }

    @Test func editErrorsCanNameTheScreensCommands() {
        let error = DecisionEditError.unknownOption("Bus", known: ["Bike"])
        #expect(error.description == "no option 'Bus' in this decision (options: 'Bike'); add it with --option first")
        #expect(error.description(addOption: "/option add", addCriterion: "/criterion")
            == "no option 'Bus' in this decision (options: 'Bike'); add it with /option add first")
        #expect(DecisionEditError.unknownCriterion("Cost", known: []).description(addOption: "/option add", addCriterion: "/criterion")
            == "no criterion 'Cost' in this decision (criteria: none yet); add it with /criterion first")
    }
}
