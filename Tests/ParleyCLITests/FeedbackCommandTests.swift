import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley feedback ...` end to end, over a conversation made with `parley ask` against the test server.
@Suite("parley feedback", .heavy)
struct FeedbackCommandTests {
    /// One stored conversation: "Say hello in French" answered "Bonjour".
    func seeded() throws -> (ParleyRunner, String) {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Bonjour"]))
        let runner = try ParleyRunner()
        let result = try runner.run(["ask", "--json", "--base-url", server.baseURL.absoluteString, "--model", "m", "Say hello in French"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (runner, try #require(object?["conversationId"] as? String))
    }

    func rows(_ file: URL) throws -> [[String: Any]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func rateIdealListStatsAndExport() throws {
        let (runner, id) = try seeded()
        defer { runner.remove() }
        let rated = try runner.run(["feedback", "rate", String(id.prefix(18)), "up", "--note", "short and right"])
        #expect(rated.status == 0, "\(rated.stderr)")
        #expect(rated.stderr == "parley: rated reply \(id):1 up\n")
        let ideal = try runner.run(["feedback", "ideal", "\(id):1"], stdin: "Bonjour !\n")
        #expect(ideal.status == 0, "\(ideal.stderr)")
        #expect(ideal.stderr.contains("saved the ideal answer to reply \(id):1"))

        let list = try runner.run(["feedback", "list", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["kind"] as? String } == ["up", "ideal"])
        #expect(entries.first?["note"] as? String == "short and right")
        #expect(entries.last?["text"] as? String == "Bonjour !")
        #expect(entries.first?["conversationId"] as? String == id)
        let plain = try runner.run(["feedback", "list"])
        #expect(plain.stdout.hasPrefix("\(id):1  up      v1  (short and right) Bonjour\n"))

        let stats = try runner.run(["feedback", "stats"])
        #expect(stats.stdout.contains("assistant  m       1     0       0      1"), "\(stats.stdout)")

        let file = runner.home.url.appendingPathComponent("sft.jsonl")
        let exported = try runner.run(["feedback", "export", "--format", "sft", "-o", file.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("exported 2 sft rows from 1 reply"))
        #expect(permissions(file) == 0o600)
        let sft = try rows(file)
        let answers = sft.compactMap { ($0["messages"] as? [[String: String]])?.last?["content"] }
        #expect(answers == ["Bonjour !", "Bonjour"])
        for row in sft {
            let messages = try #require(row["messages"] as? [[String: String]])
            #expect(messages.first?["role"] == "system")
            #expect(messages.dropFirst().first == ["role": "user", "content": "Say hello in French"])
        }

        // No replacing without --force; the file stays as it was.
        let before = try Data(contentsOf: file)
        let refused = try runner.run(["feedback", "export", "--format", "kto", "-o", file.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--force"))
        #expect(try Data(contentsOf: file) == before)
        let forced = try runner.run(["feedback", "export", "--format", "dpo", "-o", file.path, "--force", "--redact", "bonjour"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let dpo = try rows(file)
        #expect(dpo.count == 1)
        #expect((dpo.first?["chosen"] as? [[String: String]])?.first?["content"] == "[redacted] !")
        #expect((dpo.first?["rejected"] as? [[String: String]])?.first?["content"] == "[redacted]")

        // Filters: another model, a later day.
        #expect(try runner.run(["feedback", "export", "--format", "kto", "--model", "other"]).stdout.isEmpty)
        #expect(try runner.run(["feedback", "export", "--format", "kto", "--since", "2999-01-01"]).stdout.isEmpty)
        #expect(try runner.run(["feedback", "export", "--format", "kto", "--persona", "assistant"]).stdout.split(separator: "\n").count == 2)
    }

    @Test func badAddressesAndChoicesGiveOneLineAndChangeNothing() throws {
        let (runner, id) = try seeded()
        defer { runner.remove() }
        let file = runner.storage.appendingPathComponent("conversations/\(id).json")
        let before = try Data(contentsOf: file)
        for (arguments, message) in [
            (["feedback", "rate", "\(id):5", "down"], "has one reply; there is no reply 5"),
            (["feedback", "prefer", "\(id):1", "2"], "no alternatives to choose from"),
            (["feedback", "rate", "\(id):x9", "up"], "has no reply with the id x9"),
            (["feedback", "rate", "nosuch", "up"], "nosuch"),
            (["feedback", "ideal", "\(id):1", "--text", "  "], "empty"),
            (["feedback", "rate", id, "up", "--version", "2"], "there is no version 2"),
            (["feedback", "export", "--format", "sft", "--since", "yesterday"], "--since takes a day"),
        ] {
            let result = try runner.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count <= 2, "\(result.stderr)")
        }
        #expect(try Data(contentsOf: file) == before)
    }
}
