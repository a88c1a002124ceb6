import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore
import ParleyTestSupport
import Testing

@testable import ParleyDecide

/// The decision flow against test doubles, through the real conversation engine and store.
@Suite("decision flow")
struct DecisionSessionTests {
    /// Runs the flow on a fresh store; returns the record, the stored conversation and the prompts.
    static func run(
        _ start: DecisionRecord, backend: any ChatBackend
    ) async throws -> (record: DecisionRecord, conversation: Conversation?, progress: [String]) {
        let directory = try StoreTemporaryDirectory("decide")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: backend,
            settings: TurnSettings(systemPrompt: "You are a calm decision coach.", checkpointInterval: .milliseconds(20)))
        let lines = PromptLog()
        let session = DecisionSession(turns: turns, progress: { lines.append($0, maxTokens: nil) })
        let record = try await session.run(start)
        let conversation = try await turns.conversationID.map { try store.load(id: $0).conversation }
        return (record, conversation, lines.prompts)
    }

    static let fullExchange = RoutedBackend([
        ("List 3 options", "Sure! Here are some options:\n1. **Move to Berlin** - cheaper\n2. Stay in London\n3. Move to Lisbon: sunny"),
        ("List 4 criteria", "1. Cost: 4\n2. Career: 5\n3. Friends - 3"),
        ("Option: Move to Berlin", "Pros:\n- cheaper rent\nCons:\n- far from friends"),
        ("Option: Stay in London", "**Pros**\n* friends nearby\n**Cons**\n* expensive"),
        ("Option: Move to Lisbon", "Pros:\n- a good point\nCons:\n- a bad point"),
        ("Think step by step", "Berlin is cheap but lonely. London is dear but social. Lisbon is sunny."),
        ("Now score each option", """
            Move to Berlin - Cost: 8/10
            Move to Berlin - Career: 6/10
            Move to Berlin - Friends: 3/10
            Stay in London - Cost: 4/10
            Stay in London - Career: 8/10
            Stay in London - Friends: 9/10
            Move to Lisbon - Cost: 7/10
            Recommendation: Stay in London, for your friends.
            """),
        ("Give only these scores", "Move to Lisbon - Career: 5/10\nLisbon, friends: 4"),
    ])

    @Test func theModelFillsEveryGapOneStepAtATime() async throws {
        let backend = Self.fullExchange
        let (record, conversation, progress) = try await Self.run(DecisionRecord(question: "Should I move to Berlin?"), backend: backend)
        #expect(record.options.map(\.name) == ["Move to Berlin", "Stay in London", "Move to Lisbon"])
        #expect(record.options.map(\.givenBy) == [.model, .model, .model])
        #expect(record.criteria == [
            DecisionCriterion(name: "Cost", weight: 4, givenBy: .model), DecisionCriterion(name: "Career", weight: 5, givenBy: .model),
            DecisionCriterion(name: "Friends", weight: 3, givenBy: .model),
        ])
        #expect(record.options[0].pros == ["cheaper rent"] && record.options[0].cons == ["far from friends"])
        #expect(record.options[1].pros == ["friends nearby"] && record.options[1].cons == ["expensive"])
        #expect(record.reasoning == "Berlin is cheap but lonely. London is dear but social. Lisbon is sunny.")
        #expect(record.recommendation == "Stay in London, for your friends.")
        #expect(record.scores.count == 9)
        #expect(record.scores.allSatisfy { $0.givenBy == .model })
        // The follow-up asked only for the two cells the first answer left out, and both were read.
        let prompts = backend.log.prompts
        #expect(prompts.count == 8)
        #expect(prompts.last == "Give only these scores, from 1 to 10, one per line:\nMove to Lisbon - Career: ?/10\nMove to Lisbon - Friends: ?/10")
        // Stage 2 carries stage 1's reasoning back.
        #expect(prompts[6].hasPrefix("Your reasoning:\nBerlin is cheap but lonely."))
        #expect(record.notes == ["no pros or cons could be read for 'Move to Lisbon'"])
        // Totals: London (4×4 + 5×8 + 3×9)/12 = 83/12; Berlin (32 + 30 + 9)/12 = 71/12; Lisbon (28 + 25 + 12)/12 = 65/12.
        #expect(record.analysis.totals.map(\.total) == [71.0 / 12.0, 83.0 / 12.0, 65.0 / 12.0])
        #expect(record.analysis.winner == "Stay in London")
        // The exchange is one stored conversation in decide mode.
        let stored = try #require(conversation)
        #expect(stored.mode == .decide)
        #expect(stored.persona == "decision-coach")
        #expect(stored.messages.count == 16)
        #expect(stored.messages.map(\.content).filter { $0.hasPrefix("Question:") }.count == 6)
        #expect(progress.first == "asking for options")
        // Each stage caps its reply length when the user set none.
        #expect(backend.log.maxTokens == [120, 120, 160, 160, 160, 300, 40 + 16 * 9, 16 * 2 + 20])
    }

    @Test func theUsersValuesAreKeptAndOnlyGapsAreAsked() async throws {
        var start = DecisionRecord(question: "Bus or bike?")
        try DecisionEdits(addOptions: ["Bus", "Bike"], criteria: ["Cost:2", "Time"], scores: ["Bus:Cost=2"]).apply(to: &start)
        start.options[0].pros = ["dry"]
        let backend = RoutedBackend([
            ("How important is each criterion", "Time: 5"),
            ("Option: Bike", "Pros:\n- exercise\nCons:\n- rain"),
            ("Think step by step", "The bike is faster in traffic."),
            ("Now score each option", "Bus - Cost: 9/10\nBus - Time: 4/10\nBike - Cost: 10/10\nBike - Time: 8/10\nRecommendation: Bike."),
        ])
        let (record, _, _) = try await Self.run(start, backend: backend)
        let prompts = backend.log.prompts
        // No options or criteria were asked for; Bus already had a pro, so only Bike's were.
        #expect(prompts.count == 4)
        #expect(prompts[0].contains("Time: ?") && !prompts[0].contains("Cost: ?"))
        #expect(prompts[1].contains("Option: Bike."))
        #expect(!prompts[3].contains("Bus - Cost"))
        #expect(record.criteria == [
            DecisionCriterion(name: "Cost", weight: 2, givenBy: .user), DecisionCriterion(name: "Time", weight: 5, givenBy: .model),
        ])
        // The user's 2 stays, although the model said 9.
        #expect(record.score(option: "Bus", criterion: "Cost") == DecisionScore(option: "Bus", criterion: "Cost", value: 2, givenBy: .user))
        #expect(record.score(option: "Bike", criterion: "Time")?.value == 8)
        #expect(record.options[0].pros == ["dry"])
        #expect(record.recommendation == "Bike.")
        #expect(record.notes.isEmpty)
    }

    @Test func garbageStillGivesARecordThatSaysWhatIsMissing() async throws {
        var start = DecisionRecord(question: "Tea or coffee?")
        try DecisionEdits(addOptions: ["Tea", "Coffee"], criteria: ["Taste:4"], scores: ["Tea:Taste=6"]).apply(to: &start)
        let backend = ScriptedBackend.replying(["I am a helpful assistant. ", "What a lovely day!"])
        let (record, conversation, _) = try await Self.run(start, backend: backend)
        // Pros/cons ×2, reasoning, scores, one follow-up: nothing more.
        #expect(backend.requests.all.count == 5)
        #expect(record.options.map(\.name) == ["Tea", "Coffee"])
        #expect(record.scores == [DecisionScore(option: "Tea", criterion: "Taste", value: 6, givenBy: .user)])
        #expect(record.reasoning == "I am a helpful assistant. What a lovely day!")
        #expect(record.recommendation == nil)
        #expect(record.notes == [
            "no pros or cons could be read for 'Tea'", "no pros or cons could be read for 'Coffee'",
            "the model gave no recommendation line",
        ])
        #expect(DecisionReport.openItems(record) == ["no score for 'Coffee' on 'Taste'"] + record.notes)
        #expect(record.analysis.totals.map(\.total) == [6, nil])
        #expect(conversation?.messages.count == 10)
    }

    @Test func garbageWithNothingGivenAsksAgainOnceThenLeavesItToTheUser() async throws {
        let backend = ScriptedBackend.replying(["Hmm."])
        let (record, _, progress) = try await Self.run(DecisionRecord(question: "What now?"), backend: backend)
        // Options, options again, criteria, criteria again; nothing to score.
        #expect(backend.requests.all.count == 4)
        #expect(record.options.isEmpty && record.criteria.isEmpty)
        #expect(backend.requests.all[1].messages.last?.content == DecisionPrompts.optionsAgain(question: "What now?"))
        #expect(record.notes.isEmpty)
        #expect(DecisionReport.openItems(record) == ["fewer than two options", "no criteria"])
        #expect(progress.contains("no options could be read; asking once more"))
    }

    @Test func theModelSeesThePersonaAndTheNewestPromptOnly() async throws {
        let directory = try StoreTemporaryDirectory("decide")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let examples = [ChatMessage(role: .user, content: "Bus or bike?"), ChatMessage(role: .assistant, content: "Options: bus, bike.")]
        let backend = ScriptedBackend.replying(["1. Tea\n2. Coffee"])
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: backend,
            settings: TurnSettings(systemPrompt: "Coach.", examples: examples))
        _ = try await DecisionSession(turns: turns).run(DecisionRecord(question: "Tea or coffee?"))
        let requests = backend.requests.all
        #expect(requests.count > 3)
        for request in requests {
            #expect(request.messages.count == 4)
            #expect(request.messages.first == ChatMessage(role: .system, content: "Coach."))
            // Stage 1 and stage 2 (and its follow-up) get their own worked example in place of the persona's.
            let prompt = request.messages.last?.content ?? ""
            let expected = prompt.contains("Think step by step") ? DecisionPrompts.reasoningExample
                : (prompt.hasPrefix("Your reasoning:") || prompt.hasPrefix("Give only these scores")) ? DecisionPrompts.scoresExample
                : examples
            #expect(Array(request.messages[1...2]) == expected, "\(prompt)")
        }
        #expect(requests.filter { $0.messages[1...2] == DecisionPrompts.scoresExample[...] }.count == 2)
        #expect(requests.last?.messages.last?.content.hasPrefix("Give only these scores") == true)
        // The stored conversation has every turn.
        let id = try #require(await turns.conversationID)
        #expect(try store.load(id: id).conversation.messages.count == 2 * requests.count)
    }

    @Test func theFlowCanContinueAnExistingConversation() async throws {
        let directory = try StoreTemporaryDirectory("decide")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let chat = Conversation(persona: "assistant", messages: [Message(role: .user, content: "hi"), Message(role: .assistant, content: "hello")])
        try store.create(chat)
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: ScriptedBackend.replying(["ok"]), settings: TurnSettings(),
            conversationID: chat.id)
        let reply = try await turns.ask("Question: which?", maxTokens: 10)
        #expect(reply == DecisionTurnReply(text: "ok"))
        #expect(await turns.conversationID == chat.id)
        #expect(try store.load(id: chat.id).conversation.messages.map(\.content) == ["hi", "hello", "Question: which?", "ok"])
    }

    @Test func echoedPlaceholdersAreNotAnswers() async throws {
        let backend = ScriptedBackend.replying(["1. First option\n2. Second option"])
        let (record, _, _) = try await Self.run(DecisionRecord(question: "Which?"), backend: backend)
        #expect(record.options.isEmpty)
        #expect(backend.requests.all.count == 4)
        // The scores prompt copied back, recommendation template and all.
        var start = DecisionRecord(question: "Which?")
        try DecisionEdits(addOptions: ["A", "B"], criteria: ["Cost:2"]).apply(to: &start)
        start.options[0].pros = ["given"]
        start.options[1].pros = ["given"]
        let echo = ScriptedBackend.replying([DecisionPrompts.scores(reasoning: "", cells: start.analysis.missing)])
        let (echoed, _, _) = try await Self.run(start, backend: echo)
        #expect(echoed.scores.isEmpty)
        #expect(echoed.recommendation == nil)
        #expect(echoed.notes == ["the model gave no recommendation line"])
    }

    @Test func oneJSONAnswerServesEveryStage() async throws {
        let json = """
            ```json
            {"options": [{"name": "Rent", "pros": ["flexible"], "cons": ["no equity"]},
                         {"name": "Buy", "pros": ["equity"], "cons": ["debt"]}],
             "criteria": {"Cost": 5, "Freedom": 2},
             "scores": {"Rent": {"Cost": 6, "Freedom": 9}, "Buy": {"Cost": 7, "Freedom": 3}},
             "recommendation": "Rent for now."}
            ```
            """
        let backend = ScriptedBackend.replying([json])
        let (record, _, _) = try await Self.run(DecisionRecord(question: "Rent or buy?"), backend: backend)
        #expect(record.options.map(\.name) == ["Rent", "Buy"])
        #expect(record.options.map(\.pros) == [["flexible"], ["equity"]])
        #expect(record.criteria.map(\.name) == ["Cost", "Freedom"])
        #expect(record.criteria.map(\.weight) == [5, 2])
        // Rent (30 + 18)/7 = 48/7; Buy (35 + 6)/7 = 41/7.
        #expect(record.analysis.totals.map(\.total) == [48.0 / 7.0, 41.0 / 7.0])
        #expect(record.recommendation == "Rent for now.")
        #expect(record.notes.isEmpty)
        // Options, criteria, two pros/cons, reasoning, scores: no follow-up was needed.
        #expect(backend.requests.all.count == 6)
    }

    @Test func anUnreachableModelStopsTheFlowAndKeepsTheUsersValues() async throws {
        var start = DecisionRecord(question: "Stay or go?")
        try DecisionEdits(addOptions: ["Stay", "Go"], criteria: ["Risk:3"]).apply(to: &start)
        let backend = ScriptedBackend(steps: [.fail("connection refused")])
        let (record, conversation, _) = try await Self.run(start, backend: backend)
        #expect(backend.requests.all.count == 1)
        #expect(record.options.map(\.name) == ["Stay", "Go"])
        #expect(record.notes.first?.hasPrefix("the model stopped answering (") == true)
        #expect(record.notes.first?.contains("connection refused") == true)
        #expect(record.notes.count == 1)
        #expect(DecisionReport.openItems(record).prefix(2) == ["no score for 'Stay' on 'Risk'", "no score for 'Go' on 'Risk'"])
        #expect(conversation?.messages.last?.status == .failed)
    }
}
