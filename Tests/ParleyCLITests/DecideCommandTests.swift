import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley decide` end to end: the real binary, against the fault server's scripted replies.
@Suite("parley decide", .heavy)
struct DecideCommandTests {
    static func decisionFiles(_ runner: ParleyRunner) -> [URL] {
        let directory = runner.storage.appendingPathComponent("decisions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// The stored record as plain JSON (the CLI tests do not link the decision library).
    static func storedRecord(_ runner: ParleyRunner) throws -> [String: Any] {
        let file = try #require(decisionFiles(runner).first)
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    static func totals(_ record: [String: Any]) -> [Double?] {
        (record["totals"] as? [[String: Any]] ?? []).map { $0["total"] as? Double }
    }

    @Test func theModelFillsTheGapsAndTheProgramDoesTheSums() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: [
                #"{"pros": ["learn fast"], "cons": ["risky"], "#,
                #""scores": {"Pay": {"reason": "below market", "score": 5}, "Growth": {"reason": "many hats", "score": 9}}}"#,
            ]),
            .openAIStream(pieces: [
                #"{"pros": ["stable"], "cons": ["slow growth"], "scores": {"Pay": {"reason": "fair", "score": 7}, "Growth": {"reason": "flat", "score": 4}}}"#,
            ]),
            .openAIStream(pieces: [#"{"reason": "Take the startup job if you can afford the pay cut.", "choice": "Startup"}"#]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run([
            "decide", "--base-url", server.baseURL.absoluteString, "--model", "m1", "Should I join the startup?",
            "--option", "Startup", "--option", "Current job", "--criterion", "Pay:4", "--criterion", "Growth:5",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // Startup (4×5 + 5×9)/9 = 65/9 = 7.22; current job (28 + 20)/9 = 48/9 = 5.33.
        #expect(result.stdout.contains("  Option        Pay (4*)  Growth (5*)  Total\n  Startup*             5            9   7.22\n  Current job*         7            4   5.33\n"))
        #expect(result.stdout.contains("Ranking:\n  1. Startup  7.22\n  2. Current job  5.33\n"))
        #expect(result.stdout.contains("Recommendation: Startup (highest weighted total)\nThe model's comment: Take the startup job if you can afford the pay cut.\n"))
        #expect(result.stdout.contains("    + learn fast\n    - risky\n"))
        #expect(result.stderr.contains("parley: asking about Startup\n"))
        #expect(result.stderr.contains("parley: asking for the model's view\n"))
        #expect(result.stderr.contains("parley: saved as decision "))

        let record = try Self.storedRecord(runner)
        #expect(Self.totals(record) == [65.0 / 9.0, 48.0 / 9.0])
        #expect((record["reasoning"] as? String)?.hasPrefix("Startup – Pay (5/10): below market\n") == true)
        #expect(record["model"] as? String == "m1")
        #expect(record["modelChoice"] as? String == "Startup")
        #expect((record["run"] as? [String: Any])?["modelCalls"] as? Int == 3)
        let scores = try #require(record["scores"] as? [[String: Any]])
        #expect(scores.count == 4 && scores.allSatisfy { $0["givenBy"] as? String == "model" })
        // The user gave options and criteria: one request per option and one for the comment.
        let requests = server.requests(to: "/v1/chat/completions")
        #expect(requests.count == 3)
        let first = try #require(requests.first?.jsonBody?["messages"] as? [[String: String]])
        #expect(first.first?["role"] == "system")
        #expect(first.first?["content"]?.contains("decision coach") == true)
        // The system prompt and the newest prompt only: the schema shows the shape, no examples.
        #expect(first.count == 2)
        #expect(first.last?["content"]?.hasPrefix("Decision: Should I join the startup?\nOption: Startup") == true)
        let format = try #require(requests.first?.jsonBody?["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        let conversationID = try #require(record["conversationId"] as? String)
        let conversation = try ParleyJSON.decoder().decode(
            Conversation.self, from: Data(contentsOf: try #require(runner.conversationFiles().first)))
        #expect(conversation.id == conversationID)
        #expect(conversation.mode == .decide)
        #expect(conversation.title == "Should I join the startup?")
        // Where it was answered, so that continuing it goes back there.
        #expect(conversation.backend == BackendChoice(name: "openai", kind: "openai", model: "m1", baseUrl: server.baseURL.absoluteString))
        #expect(conversation.messages.count == 6)
        #expect(conversation.messages.filter { $0.role == .user }.allSatisfy { $0.internalStep != nil })
    }

    @Test func jsonPrintsTheRecordAndGarbageLeavesGapsNamed() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["I like turtles."]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run([
            "decide", "--json", "--base-url", server.baseURL.absoluteString, "--model", "m", "Tea or coffee?",
            "--option", "Tea", "--option", "Coffee", "--criterion", "Taste:3", "--score", "Tea:Taste=8",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(printed["question"] as? String == "Tea or coffee?")
        #expect(Self.totals(printed) == [8, nil])
        #expect((printed["missingScores"] as? [[String: String]]) == [["option": "Coffee", "criterion": "Taste"]])
        #expect((printed["notes"] as? [String]) == ["no pros or cons could be read for 'Tea'", "no pros or cons could be read for 'Coffee'"])
        #expect(printed["id"] as? String == (try Self.storedRecord(runner))["id"] as? String)
        // One criterion compares nothing: more are asked for, twice; then Tea's pros and cons,
        // Coffee's row and once more its one cell; no comment on one total.
        #expect(server.requests(to: "/v1/chat/completions").count == 5)
        #expect((printed["criteria"] as? [[String: Any]])?.count == 1)
        let run = try #require(printed["run"] as? [String: Any])
        #expect(run["modelCalls"] as? Int == 5)
        #expect(run["seconds"] as? Double != nil)
    }

    @Test func withoutAModelEditOutcomeShowListAndExport() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let created = try runner.run([
            "decide", "--no-model", "Bus or bike?", "--option", "Bus", "--option", "Bike", "--criterion", "Cost:2",
            "--criterion", "Time:5", "--score", "Bus:Cost=4", "--score", "bike:cost=9", "--score", "Bus:Time=5", "--score", "Bike:Time=8",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        // Bus (8 + 25)/7 = 33/7 = 4.71; Bike (18 + 40)/7 = 58/7 = 8.29.
        #expect(created.stdout.contains("Ranking:\n  1. Bike  8.29\n  2. Bus  4.71\n"))
        let id = try #require(Self.storedRecord(runner)["id"] as? String)
        let prefix = String(id.prefix(17))

        let edited = try runner.run(["decide", "edit", prefix, "--score", "Bus:Time=10", "--criterion", "Comfort", "--remove-score", "Bike:Cost"])
        #expect(edited.status == 0, "\(edited.stderr)")
        // Bus (8 + 50)/7 = 8.29; Bike 40/5 = 8: the totals changed at once.
        #expect(edited.stdout.contains("Ranking:\n  1. Bus  8.29\n  2. Bike  8.00\n"))
        #expect(edited.stdout.contains("the weight of 'Comfort' is assumed to be 3 (neutral)"))
        #expect(edited.stdout.contains("no score for 'Bike' on 'Cost'"))

        #expect(try runner.run(["decide", "outcome", prefix, "Took", "the", "bus."]).status == 0)
        let shown = try runner.run(["decide", "show", prefix, "--json"])
        let record = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect((record["outcome"] as? [String: Any])?["text"] as? String == "Took the bus.")
        #expect(Self.totals(record) == [58.0 / 7.0, 8])

        let listed = try runner.run(["decide", "list", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["winner"] as? String == "Bus")
        #expect(list.first?["outcome"] as? String == "Took the bus.")
        let plain = try runner.run(["decide", "list"])
        #expect(plain.stdout.hasPrefix(id) && plain.stdout.contains("Bus or bike? -> Bus  [outcome]"))

        let file = runner.home.url.appendingPathComponent("bus.md")
        let exported = try runner.run(["decide", "export", prefix, "-o", file.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let markdown = try String(contentsOf: file, encoding: .utf8)
        #expect(markdown.hasPrefix("# Decision: Bus or bike?\n"))
        #expect(markdown.contains("| Bus | 4 | 10 | – | 8.29 | 1 |\n"))
        #expect(markdown.contains("## Outcome\n\n"))
        #expect(markdown.contains(": Took the bus.\n"))
        #expect(try runner.run(["decide", "export", prefix]).stdout == markdown)
    }

    @Test func badInputIsOneLineAndSavesNothing() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let cases: [([String], String)] = [
            (["--option", "A", "--criterion", "Cost", "--score", "A:Cost=11"], "the score of 'A' on 'Cost' must be 0 to 10, not 11"),
            (["--option", "A", "--criterion", "Cost", "--score", "A:Cost=-1"], "the score of 'A' on 'Cost' must be 0 to 10, not -1"),
            (["--option", "A", "--criterion", "Cost", "--score", "B:Cost=3"], "no option 'B' in this decision"),
            (["--option", "A", "--criterion", "Cost:9"], "the weight of 'Cost' must be 1 to 5, not 9"),
            (["--option", "A", "--criterion", "Cost:high"], "--criterion 'Cost:high' is not NAME or NAME:WEIGHT"),
            (["--option", "A", "--criterion", "Cost", "--score", "A-Cost=3"], "--score 'A-Cost=3' is not OPTION:CRITERION=VALUE"),
            (["--remove-option", "A"], "Unknown option '--remove-option'"),
        ]
        for (arguments, message) in cases {
            let result = try runner.run(["decide", "--no-model", "Which?"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(Self.decisionFiles(runner).isEmpty)
        let unknown = try runner.run(["decide", "show", "20990101"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "parley: no decision with id '20990101'; run 'parley decide list' to see the ids\n")
    }

    @Test func anUnreachableModelKeepsWhatWasGivenAndFails() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run([
            "decide", "--base-url", "http://127.0.0.1:1/v1", "--model", "m", "Stay or go?", "--option", "Stay", "--option", "Go",
            "--criterion", "Risk:2", "--score", "Stay:Risk=6",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("parley: the model stopped answering ("))
        #expect(result.stderr.contains("connection refused"))
        let record = try Self.storedRecord(runner)
        #expect(Self.totals(record) == [6, nil])
        #expect(result.stdout.contains("Left for you"))
    }

    @Test func ctrlCSavesWhatWasGatheredAndExits130() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: Array(repeating: "Pros: ", count: 40), delay: 0.25))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let process = try runner.start([
            "decide", "--base-url", server.baseURL.absoluteString, "--model", "m", "Stay or go?", "--option", "Stay", "--option", "Go",
            "--criterion", "Risk:2", "--score", "Go:Risk=3",
        ])
        let deadline = Date().addingTimeInterval(10)
        while !process.stderr.contains("asking for the pros and cons of Stay"), Date() < deadline { usleep(20_000) }
        usleep(300_000)
        process.signal(SIGINT)
        let result = process.finish()
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("parley: saved as decision "))
        let record = try Self.storedRecord(runner)
        #expect((record["notes"] as? [String])?.contains("stopped by the user before the model had filled everything in") == true)
        #expect(Self.totals(record) == [nil, 3])
        #expect(server.requests(to: "/v1/chat/completions").count == 1)
    }

    @Test func eachVerbIsASubcommandWithItsOwnHelpAndTheOldFlagsSayWhereTheyWent() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let editHelp = try runner.run(["decide", "edit", "--help"]).stdout
        #expect(editHelp.contains("--remove-option") && editHelp.contains("--score"))
        #expect(!editHelp.contains("--no-model") && !editHelp.contains("--base-url"))
        let newHelp = try runner.run(["decide", "new", "--help"]).stdout
        #expect(newHelp.contains("--no-model") && !newHelp.contains("--remove-option") && !newHelp.contains("--outcome"))
        let exportHelp = try runner.run(["decide", "export", "--help"]).stdout
        #expect(exportHelp.contains("--output") && !exportHelp.contains("--option"))
        let moved: [([String], String)] = [
            (["--list"], "'parley decide --list' is now 'parley decide list'"),
            (["--show", "abc"], "'parley decide --show' is now 'parley decide show ID'"),
            (["--export", "abc"], "'parley decide --export' is now 'parley decide export ID'"),
            (["--outcome", "abc", "went"], "'parley decide --outcome' is now 'parley decide outcome ID TEXT'"),
            (["--edit", "abc", "--option", "A"], "'parley decide --edit' is now 'parley decide edit ID'"),
        ]
        for (arguments, message) in moved {
            let result = try runner.run(["decide"] + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr == "parley: \(message) (see 'parley --help')\n")
        }
        #expect(try runner.run(["decide", "edit", "abc"]).stderr.contains("say what to change"))
        #expect(try runner.run(["decide", "outcome", "abc"]).stderr.contains("say what happened"))
        #expect(try runner.run(["decide", "export", "abc", "--force"]).stderr.contains("--force only applies with -o FILE"))
        #expect(Self.decisionFiles(runner).isEmpty)
    }
}
