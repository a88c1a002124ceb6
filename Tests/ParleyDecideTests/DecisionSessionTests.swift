import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore
import ParleyTestSupport
import StructuredOutput
import Testing

@testable import ParleyDecide

/// The decision flow against test doubles, through the real conversation engine and store.
@Suite("decision flow")
struct DecisionSessionTests {
    /// Runs the flow on a fresh store; returns the record, the stored conversation and the progress lines.
    static func run(
        _ start: DecisionRecord, backend: any ChatBackend
    ) async throws -> (record: DecisionRecord, conversation: Conversation?, progress: [String]) {
        let directory = try StoreTemporaryDirectory("decide")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: backend,
            settings: TurnSettings(systemPrompt: "You are a calm decision coach.", checkpointInterval: .milliseconds(20)),
            title: start.question)
        let lines = PromptLog()
        let session = DecisionSession(turns: turns, progress: { lines.append($0, maxTokens: nil) })
        let record = try await session.run(start)
        let conversation = try await turns.conversationID.map { try store.load(id: $0).conversation }
        return (record, conversation, lines.prompts)
    }

    /// A fresh double each time: its prompt log is its own, whatever runs in parallel.
    static var trainOrFly: RoutedBackend { RoutedBackend([
        ("Pick the criteria", #"{"criteria": [{"name": "Cost", "weight": 4}, {"name": "Time", "weight": 5}]}"#),
        ("Option: Train", #"""
            {"pros": ["relaxing"], "cons": ["slower"],
             "scores": {"Cost": {"reason": "cheap saver fares", "score": 7}, "Time": {"reason": "eight hours", "score": 4}}}
            """#),
        ("Option: Fly", #"""
            {"pros": ["fast"], "cons": ["airport hassle"],
             "scores": {"Cost": {"reason": "budget airlines", "score": 6}, "Time": {"reason": "under two hours", "score": 9}}}
            """#),
        ("Weighted scores", #"{"reason": "The train is kinder to the planet.", "choice": "Train"}"#),
    ]) }

    static func schema(_ text: String?) throws -> JSONValue {
        try JSONValue.parse(try #require(text))
    }

    @Test func optionsNamedInTheQuestionAreTheUsersAndOneCallPerStepFillsTheRest() async throws {
        let backend = Self.trainOrFly
        let question = "Should I take the train or fly from Berlin to Paris?"
        let (record, conversation, progress) = try await Self.run(DecisionRecord(question: question), backend: backend)
        // The user's words, never a "first-…" name; read from the question, so never asked for.
        #expect(record.options.map(\.name) == ["Train", "Fly"])
        #expect(record.options.map(\.givenBy) == [.user, .user])
        #expect(record.criteria == [
            DecisionCriterion(name: "Cost", weight: 4, givenBy: .model), DecisionCriterion(name: "Time", weight: 5, givenBy: .model),
        ])
        #expect(record.analysis.missing.isEmpty)
        #expect(record.options[0].pros == ["relaxing"] && record.options[1].cons == ["airport hassle"])
        // Criteria, one call per option, the comment: four calls, every one under a schema.
        let prompts = backend.log.prompts
        #expect(prompts.count == 4)
        #expect(progress == ["asking for criteria", "asking about Train", "asking about Fly", "asking for the model's view"])
        #expect(!prompts[0].contains("options") && prompts[0].hasPrefix("Decision: \(question)"))
        let setup = try Self.schema(backend.log.schemas[0])
        #expect(setup["properties"]?.objectValue?.keys == ["criteria"])
        let trainSchema = try Self.schema(backend.log.schemas[1])
        #expect(trainSchema["properties"]?["scores"]?["required"] == ["Cost", "Time"])
        #expect(backend.log.schemas.allSatisfy { $0 != nil })
        // The reasons come first and are kept as the reasoning.
        #expect(record.reasoning.hasPrefix("Train – Cost (7/10): cheap saver fares\nTrain – Time (4/10): eight hours"))
        // Train (28 + 20)/9, Fly (24 + 45)/9: the program recommends Fly; the model's comment picks
        // Train, so it is kept as commentary and flagged.
        #expect(record.analysis.totals.map(\.total) == [48.0 / 9.0, 69.0 / 9.0])
        #expect(record.recommendedOption == "Fly")
        #expect(record.recommendation == "The train is kinder to the planet.")
        #expect(record.modelChoice == "Train")
        #expect(record.modelDisagrees)
        #expect(DecisionReport.text(record).contains("Recommendation: Fly (highest weighted total)"))
        #expect(DecisionReport.text(record).contains("it prefers Train, which the totals do not support"))
        #expect(record.notes.isEmpty)
        // Calls and tokens are counted (the double reports a quarter of the characters).
        let run = try #require(record.run)
        #expect(run.modelCalls == 4)
        #expect(run.promptTokens > 0 && run.completionTokens > 0)
        // One stored conversation, titled with the question; the prompts are stored as the flow's steps.
        let stored = try #require(conversation)
        #expect(stored.title == Conversation.suggestedTitle(from: question))
        #expect(stored.mode == .decide)
        #expect(stored.messages.count == 8)
        #expect(stored.messages.filter { $0.role == .user }.map(\.internalStep) == progress.map { Optional($0) })
        #expect(stored.messages.filter { $0.role == .assistant }.allSatisfy { !$0.isInternal })
    }

    @Test func whatTheUserGaveIsNeverAskedForAgain() async throws {
        var start = DecisionRecord(question: "Should I take the train or fly?")
        try DecisionEdits(addOptions: ["Rail", "Plane"], criteria: ["Cost:4", "Time"], scores: ["Rail:Cost=8"]).apply(to: &start)
        start.options[1].pros = ["quick"]
        let backend = RoutedBackend([
            ("How important", #"{"weights": {"Time": 5}}"#),
            // An answer with a cell it was not asked for: the user's 8 stays.
            ("Option: Rail", #"{"pros": ["views"], "cons": ["slow"], "scores": {"Cost": {"reason": "x", "score": 2}, "Time": {"reason": "slow", "score": 3}}}"#),
            ("Option: Plane", #"{"scores": {"Cost": {"reason": "fees", "score": 5}, "Time": {"reason": "fast", "score": 9}}}"#),
            ("Weighted scores", #"{"reason": "Plane saves a day.", "choice": "Plane"}"#),
        ])
        let (record, _, _) = try await Self.run(start, backend: backend)
        let prompts = backend.log.prompts
        #expect(prompts.count == 4)
        // The options the user gave stand: nothing is read from the question, none is asked for.
        #expect(record.options.map(\.name) == ["Rail", "Plane"])
        #expect(prompts.allSatisfy { !$0.contains("List the options") && !$0.contains("Add other options") && !$0.contains("Pick the criteria") })
        let setup = try Self.schema(backend.log.schemas[0])
        #expect(setup["properties"]?.objectValue?.keys == ["weights"])
        #expect(setup["properties"]?["weights"]?["required"] == ["Time"])
        // Rail's row asks only for Time; Plane already had a pro, so no pros and cons for it.
        #expect(try Self.schema(backend.log.schemas[1])["properties"]?["scores"]?["required"] == ["Time"])
        #expect(try Self.schema(backend.log.schemas[2])["properties"]?.objectValue?.keys == ["scores"])
        #expect(record.score(option: "Rail", criterion: "Cost") == DecisionScore(option: "Rail", criterion: "Cost", value: 8, givenBy: .user))
        #expect(record.criteria.map(\.weight) == [4, 5])
        #expect(record.criteria.map(\.givenBy) == [.user, .model])
        #expect(record.options[1].pros == ["quick"])
        #expect(record.recommendedOption == "Plane")
        #expect(!record.modelDisagrees)
    }

    @Test func aMissingCellIsAskedForOnceMoreAndAMissingCommentLeavesTheDerivedRecommendation() async throws {
        var start = DecisionRecord(question: "Tea or coffee?")
        try DecisionEdits(addOptions: ["Tea", "Coffee"], criteria: ["Taste:4", "Price:2"]).apply(to: &start)
        let backend = RoutedBackend([
            ("Option: Tea", #"{"pros": ["calm"], "cons": ["weak"], "scores": {"Taste": {"reason": "mild", "score": 6}, "Price": {"reason": "cheap", "score": 8}}}"#),
            ("For each criterion (Price)", #"{"scores": {"Price": {"reason": "beans cost", "score": 5}}}"#),
            // A cell short (a server that ignores the schema): what parses is read, the rest asked again.
            ("Option: Coffee", #"{"pros": ["strong"], "cons": ["jitters"], "scores": {"Taste": {"reason": "rich", "score": 9}}}"#),
            ("Weighted scores", "{\"reason\": \""),
        ])
        let (record, _, progress) = try await Self.run(start, backend: backend)
        #expect(progress == ["asking about Tea", "asking about Coffee", "asking once more for 1 scores of Coffee", "asking for the model's view"])
        #expect(record.analysis.missing.isEmpty)
        #expect(record.score(option: "Coffee", criterion: "Taste")?.value == 9)
        #expect(record.score(option: "Coffee", criterion: "Price")?.value == 5)
        // The second asks for the missing cell only; the first answer's pros and cons were read.
        #expect(record.options[1].pros == ["strong"])
        #expect(record.notes.isEmpty)
        #expect(try Self.schema(backend.log.schemas[2])["properties"]?.objectValue?.keys == ["scores"])
        // Tea (24 + 16)/6, Coffee (36 + 10)/6: the ranking recommends Coffee without the model's line.
        #expect(record.recommendation == nil && record.modelChoice == nil)
        #expect(record.recommendedOption == "Coffee")
        #expect(!record.modelDisagrees)
        #expect(record.run?.modelCalls == 4)
    }

    @Test func aCriterionPickedTwiceIsAskedForAgainFromWhatIsLeft() async throws {
        let backend = RoutedBackend([
            ("Pick the criteria", #"{"criteria": [{"name": "Time", "weight": 4}, {"name": "Time", "weight": 3}]}"#),
            ("Criteria so far: Time.", #"{"criteria": [{"name": "Cost", "weight": 2}]}"#),
        ], fallback: #"{"pros": ["p"], "cons": ["c"], "scores": {"Time": {"reason": "r", "score": 5}, "Cost": {"reason": "r", "score": 6}}}"#)
        let (record, _, progress) = try await Self.run(DecisionRecord(question: "Should I cycle or take the bus?"), backend: backend)
        #expect(record.options.map(\.name) == ["Cycle", "Take the bus"])
        #expect(record.criteria.map(\.name) == ["Time", "Cost"])
        #expect(progress.prefix(2) == ["asking for criteria", "asking once more for criteria"])
        // The second pick cannot repeat the first: "Time" is no longer in the list.
        let again = try Self.schema(backend.log.schemas[1])
        let names = again["properties"]?["criteria"]?["items"]?["properties"]?["name"]?["enum"]?.arrayValue ?? []
        #expect(!names.isEmpty && !names.contains("Time") && names.contains("Cost"))
        #expect(record.analysis.missing.isEmpty)
    }

    @Test func nothingReadableAsksOnceMoreThenLeavesItToTheUser() async throws {
        let backend = ScriptedBackend.replying(["Hmm."])
        let (record, _, progress) = try await Self.run(DecisionRecord(question: "What now?"), backend: backend)
        #expect(backend.requests.all.count == 2)
        #expect(progress == ["asking for options and criteria", "asking once more for options and criteria"])
        #expect(record.options.isEmpty && record.criteria.isEmpty)
        #expect(record.notes == ["the model named too few options", "the model named no criteria"])
        #expect(record.run?.modelCalls == 2)
    }

    @Test func theModelSeesThePersonaAndTheNewestPromptOnlyWithoutExamples() async throws {
        let directory = try StoreTemporaryDirectory("decide")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let examples = [ChatMessage(role: .user, content: "Bus or bike?"), ChatMessage(role: .assistant, content: "Options: bus, bike.")]
        let backend = Self.trainOrFly
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: backend,
            settings: TurnSettings(systemPrompt: "Coach.", examples: examples))
        let requests = RequestLog()
        _ = try await DecisionSession(turns: LoggedTurns(base: turns, log: requests)).run(DecisionRecord(question: "Train or fly?"))
        #expect(requests.all.count == 4)
        // The schema shows the shape: the persona's examples would only cost prompt tokens.
        let id = try #require(await turns.conversationID)
        #expect(try store.load(id: id).conversation.messages.count == 8)
        #expect(backend.log.prompts.count == 4)
        #expect(requests.all.map(\.maxTokens) == [24 + 50, 24 + 50 + 72, 24 + 50 + 72, 60])
    }

    @Test func theFlowCanContinueAnExistingConversation() async throws {
        let directory = try StoreTemporaryDirectory("decide")
        defer { directory.remove() }
        let store = try ConversationStore(root: directory.url, diagnostics: { _ in })
        let chat = Conversation(persona: "assistant", messages: [Message(role: .user, content: "hi"), Message(role: .assistant, content: "hello")])
        try store.create(chat)
        let turns = EngineDecisionTurns(
            engine: ConversationEngine(store: store), backend: ScriptedBackend.replying(["ok"]), settings: TurnSettings(),
            conversationID: chat.id, title: "ignored: the conversation exists")
        let reply = try await turns.ask(DecisionRequest(prompt: "Question: which?", maxTokens: 10, step: "asking"))
        #expect(reply.text == "ok" && reply.failure == nil && reply.value == nil)
        #expect(await turns.conversationID == chat.id)
        let stored = try store.load(id: chat.id).conversation
        #expect(stored.messages.map(\.content) == ["hi", "hello", "Question: which?", "ok"])
        #expect(stored.messages.map(\.internalStep) == [nil, nil, "asking", nil])
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

/// The requests a flow made, in order.
final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DecisionRequest] = []
    func append(_ request: DecisionRequest) { lock.withLock { items.append(request) } }
    var all: [DecisionRequest] { lock.withLock { items } }
}

/// Turns that log each request before passing it on.
struct LoggedTurns: DecisionTurns {
    let base: any DecisionTurns
    let log: RequestLog

    func ask(_ request: DecisionRequest) async throws -> DecisionTurnReply {
        log.append(request)
        return try await base.ask(request)
    }
}
