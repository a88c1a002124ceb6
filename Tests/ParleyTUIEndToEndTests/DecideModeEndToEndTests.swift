import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// Decide mode in the real chat screen: the question runs the decision flow against scripted
/// replies, the panel fills, an edit changes the totals, and the record on disk is what the
/// screen showed (and what `parley decide show` prints).
@Suite("Decide mode in tmux", .heavy, .serialized)
struct DecideModeEndToEndTests {
    /// The stored decision records as plain JSON (these tests do not link the decision library).
    static func decisionFiles(_ screen: TmuxScreen) throws -> [[String: Any]] {
        let directory = screen.storage.appendingPathComponent("decisions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name))) as? [String: Any])
        }
    }

    /// Runs `parley ARGS` outside tmux with the screen's storage; its standard output.
    static func parley(_ arguments: [String], storage: URL) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = TmuxScreen.binary
        process.arguments = arguments
        process.environment = ["HOME": storage.path, "PARLEY_HOME": storage.path, "LANG": "C.UTF-8"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theQuestionFillsThePanelAnEditChangesTheTotalsAndTheRecordIsOnDisk() throws {
        let server = try FaultServer()
        // Options and criteria in one answer, one answer per option (Beta's slow, to watch the panel
        // mid-run), the model's comment. Each is JSON under the flow's schema.
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: [#"{"options": ["Alpha", "Beta"], "#, #""criteria": [{"name": "Price", "weight": 4}, {"name": "Battery", "weight": 2}]}"#], delay: 0.02),
            .openAIStream(pieces: [
                #"{"pros": ["light"], "cons": ["pricey"], "#, #""scores": {"Price": {"reason": "dear", "score": 4}, "Battery": {"reason": "long life", "score": 9}}}"#,
            ], delay: 0.02),
            .openAIStream(pieces: [
                #"{"pros": ["cheap"], "#, #""cons": ["heavy"], "#, #""scores": {"Price": "#, #"{"reason": "a bargain", "score": 8}, "#,
                #""Battery": {"reason": "average", "#, #""score": 5}}}"#,
            ], delay: 0.4),
            .openAIStream(pieces: [#"{"reason": "Beta, unless you travel a lot.", "choice": "Beta"}"#], delay: 0.02))
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"], width: 100, height: 30)
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)

        try screen.type("/mode decide")
        try screen.press("Enter")
        let entered = screen.waitFor { $0.contains("decide mode: your next message is the question") && $0.contains("No question yet") }
        #expect(entered.ok, "\(entered.screen)")

        try screen.type("Which laptop should I buy?")
        try screen.press("Enter")
        // Mid-run: the step shows in the panel and dimmed in the transcript, Alpha's row is already
        // totalled (4×4 + 2×9)/6, Beta's reply streams.
        let midway = screen.waitFor { $0.contains("… asking about Beta") && $0.contains("1. Alpha  5.67") && $0.contains("▸ asking about Beta…") && $0.contains("cheap") }
        #expect(midway.ok, "\(midway.screen)")
        // Alpha (4×4 + 2×9)/6 = 5.67; Beta (4×8 + 2×5)/6 = 7.00.
        let done = screen.waitFor { $0.contains("1. Beta  7.00") && $0.contains("2. Alpha  5.67") && $0.contains("idle") }
        #expect(done.ok, "\(done.screen)")
        #expect(done.screen.contains("decision saved ("))

        // Tab completes the names; the edit changes the totals at once: Alpha (4×10 + 2×9)/6 = 9.67.
        try screen.type("/score al")
        try screen.press("Tab")
        try screen.type("pr")
        try screen.press("Tab")
        #expect(screen.waitFor { $0.contains("› /score Alpha:Price=") }.ok)
        try screen.type("10")
        try screen.press("Enter")
        let edited = screen.waitFor { $0.contains("1. Alpha  9.67") && $0.contains("2. Beta  7.00") }
        #expect(edited.ok, "\(edited.screen)")
        // A bad edit: one error line, nothing changes.
        try screen.type("/score Alpha:Price=11")
        try screen.press("Enter")
        let refused = screen.waitFor { $0.contains("must be 0 to 10, not 11") }
        #expect(refused.ok && refused.screen.contains("1. Alpha  9.67"), "\(refused.screen)")

        // A new conversation closes the panel; reopening this one from the list brings the record back.
        try screen.press("C-n")
        #expect(screen.waitFor { $0.contains("new conversation") && !$0.contains("1. Alpha  9.67") }.ok)
        try screen.press("F2")
        #expect(screen.waitFor { $0.contains("Which laptop should I buy?") }.ok)
        try screen.press("Enter")
        let reopened = screen.waitFor { $0.contains("1. Alpha  9.67") && $0.contains(" decide · ") }
        #expect(reopened.ok, "\(reopened.screen)")

        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)

        let records = try Self.decisionFiles(screen)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record["question"] as? String == "Which laptop should I buy?")
        #expect((record["totals"] as? [[String: Any]])?.map { $0["total"] as? Double } == [58.0 / 6.0, 42.0 / 6.0])
        #expect(record["recommendation"] as? String == "Beta, unless you travel a lot.")
        #expect(record["model"] as? String == "m1")
        let scores = try #require(record["scores"] as? [[String: Any]])
        let edit = try #require(scores.first { $0["option"] as? String == "Alpha" && $0["criterion"] as? String == "Price" })
        #expect(edit["value"] as? Int == 10 && edit["givenBy"] as? String == "user")
        // The record belongs to the conversation that holds the exchange (decide mode, four prompts
        // stored as the flow's steps, and their replies), titled with the question.
        let conversations = try screen.conversationFiles().map { try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0)) }
        #expect(conversations.count == 1)
        let conversation = try #require(conversations.first)
        #expect(record["conversationId"] as? String == conversation.id)
        #expect(conversation.mode == .decide)
        #expect(conversation.messages.count == 8)
        #expect(conversation.messages.allSatisfy { $0.status == .complete })
        #expect(conversation.title == "Which laptop should I buy?")
        #expect(conversation.messages.filter { $0.role == .user }.compactMap(\.internalStep)
            == ["asking for options and criteria", "asking about Alpha", "asking about Beta", "asking for the model's view"])
        // The decision coach's prompt went with each request.
        let first = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody?["messages"] as? [[String: String]])
        #expect(first.first?["content"]?.contains("decision coach") == true)
        #expect(server.requests(to: "/v1/chat/completions").count == 4)

        // Started again on that conversation, the screen opens in decide mode with the record.
        let again = try TmuxScreen(
            ["--base-url", server.baseURL.absoluteString, "--model", "m1", "--conversation", conversation.id], width: 100, height: 30,
            environment: ["PARLEY_HOME": screen.storage.path])
        defer { again.close() }
        let restored = again.waitFor { $0.contains("1. Alpha  9.67") && $0.contains(" decide · ") && $0.contains("Recommendation") }
        #expect(restored.ok, "\(restored.screen)")
        // /export in decide mode writes the decision report, not the transcript.
        let report = screen.storage.appendingPathComponent("decision.md")
        try again.type("/export md \(report.path)")
        try again.press("Enter")
        #expect(again.waitFor { $0.contains("exported the decision to") }.ok)
        let exported = try String(contentsOf: report, encoding: .utf8)
        #expect(exported.contains("Which laptop should I buy?") && exported.contains("9.67") && !exported.contains("List 3 options"), "\(exported)")
        try again.press("C-d")
        #expect(again.exitStatus() == 0)

        // The CLI shows what the screen saved.
        let id = try #require(record["id"] as? String)
        let shown = try Self.parley(["decide", "show", id], storage: screen.storage)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("Ranking:\n  1. Alpha  9.67\n  2. Beta  7.00\n"), "\(shown.stdout)")
    }

    @Test func ctrlCStopsTheFlowAndKeepsWhatWasFilledIn() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["1. Tea\n", "2. Coffee"]),
            .openAIStream(pieces: (1...200).map { "criterion\($0) " }, delay: 0.1))
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"], width: 100, height: 30)
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)
        try screen.type("/mode decide")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("No question yet") }.ok)
        try screen.type("Tea or coffee?")
        try screen.press("Enter")
        let streaming = screen.waitFor { $0.contains("criterion3 ") && $0.contains("• Coffee") }
        #expect(streaming.ok, "\(streaming.screen)")
        try screen.press("C-c")
        let stopped = screen.waitFor { $0.contains("stopped: the decision keeps what was filled in") && $0.contains("idle") }
        #expect(stopped.ok, "\(stopped.screen)")
        #expect(stopped.screen.contains("• Tea"))
        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)
        let record = try #require(try Self.decisionFiles(screen).first)
        #expect((record["options"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Tea", "Coffee"])
        #expect((record["notes"] as? [String])?.contains("stopped by the user before the model had filled everything in") == true)
        let conversation = try #require(screen.conversationFiles().first)
        let messages = try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: conversation)).messages
        #expect(messages.last?.status == .interrupted)
    }
}
