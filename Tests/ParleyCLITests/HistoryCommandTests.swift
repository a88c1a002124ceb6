import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley history ...` end to end, over conversations made with `parley ask` against the test server.
@Suite("parley history", .heavy)
struct HistoryCommandTests {
    /// Three stored conversations, oldest first.
    func seeded() throws -> (ParleyRunner, [String]) {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Bonjour"]), .openAIStream(pieces: ["你好，世界"]),
                     .openAIStream(pieces: ["Plain \u{1B}[31mred\u{1B}[0m text"]))
        let runner = try ParleyRunner()
        var ids: [String] = []
        for question in ["Say hello in French", "Say hello in Chinese", "Say something"] {
            let result = try runner.run(["ask", "--json", "--base-url", server.baseURL.absoluteString, "--model", "m", question])
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            ids.append(try #require(object?["conversationId"] as? String))
        }
        return (runner, ids)
    }

    @Test func listIsNewestFirstAndHonoursLimit() throws {
        let (runner, ids) = try seeded()
        defer { runner.remove() }
        let result = try runner.run(["history", "list", "--json"])
        #expect(result.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(list.compactMap { $0["id"] as? String } == ids.reversed())
        #expect(list.first?["messageCount"] as? Int == 2)
        #expect(list.first?["title"] as? String == "Say something")
        #expect(list.first?["updatedAt"] is String)
        let limited = try runner.run(["history", "list", "--limit", "1"])
        #expect(limited.stdout.split(separator: "\n").count == 1)
        #expect(limited.stdout.hasPrefix(ids[2]))
    }

    @Test func showAndExportRenderTheConversation() throws {
        let (runner, ids) = try seeded()
        defer { runner.remove() }
        let show = try runner.run(["history", "show", ids[1]])
        #expect(show.stdout.contains("Say hello in Chinese"))
        #expect(show.stdout.contains("你好，世界"))
        let markdown = try runner.run(["history", "export", ids[1], "--format", "md"])
        #expect(markdown.stdout.hasPrefix("# Say hello in Chinese\n"))
        #expect(markdown.stdout.contains("## You\n\nSay hello in Chinese\n"))
        #expect(markdown.stdout.contains("## Assistant (m)\n\n你好，世界\n"))
        let file = runner.home.url.appendingPathComponent("out.json")
        let exported = try runner.run(["history", "export", String(ids[1].prefix(18)), "--format", "json", "-o", file.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let decoded = try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: file))
        #expect(decoded.id == ids[1])
        #expect(permissions(file) == 0o600)
        // Exports keep non-ASCII text readable.
        #expect(try String(contentsOf: file, encoding: .utf8).contains("你好，世界"))
    }

    @Test func searchFindsTextCaseInsensitivelyAcrossConversations() throws {
        let (runner, ids) = try seeded()
        defer { runner.remove() }
        let json = try runner.run(["history", "search", "--json", "BONJOUR"])
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(hits.compactMap { $0["id"] as? String } == [ids[0]])
        let cjk = try runner.run(["history", "search", "世界"])
        #expect(cjk.stdout.hasPrefix(ids[1]))
        let none = try runner.run(["history", "search", "zebra"])
        #expect(none.status == 0)
        #expect(none.stdout.isEmpty)
    }

    @Test func removeMovesToTrashAndRestoreBringsItBack() throws {
        let (runner, ids) = try seeded()
        defer { runner.remove() }
        let removed = try runner.run(["history", "rm", ids[0]])
        #expect(removed.status == 0)
        #expect(removed.stderr.contains("history restore \(ids[0])"))
        #expect(!(try runner.run(["history", "list"]).stdout.contains(ids[0])))
        #expect(try runner.run(["history", "trash"]).stdout.contains(ids[0]))
        // A prefix is enough, as for every other id.
        let restored = try runner.run(["history", "restore", String(ids[0].prefix(17))])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stderr == "parley: restored \(ids[0])\n")
        #expect(try runner.run(["history", "list"]).stdout.contains(ids[0]))
        let again = try runner.run(["history", "restore", ids[0]])
        #expect(again.status == 1)
        #expect(again.stderr == "parley: No conversation with id \(ids[0]) in the trash; run 'parley history trash' to see what is there\n")
        let unknown = try runner.run(["history", "show", "zzz"])
        #expect(unknown.stderr == "parley: No conversation id starts with 'zzz'; run 'parley history list' to see the ids\n")
    }

    @Test func aCorruptFileIsQuarantinedAndTheRestStillList() throws {
        let (runner, ids) = try seeded()
        defer { runner.remove() }
        let corrupt = runner.storage.appendingPathComponent("conversations/\(ids[1]).json")
        let garbage = Data("{\"schemaVersion\": 1, \"id\": \"trunc".utf8)
        try garbage.write(to: corrupt)
        let result = try runner.run(["history", "list"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(ids[0]) && result.stdout.contains(ids[2]))
        #expect(!result.stdout.contains(ids[1]))
        #expect(result.stderr.contains("quarantine"))
        let quarantine = runner.storage.appendingPathComponent("quarantine")
        let moved = try FileManager.default.contentsOfDirectory(atPath: quarantine.path)
        try #require(moved.count == 1)
        #expect(try Data(contentsOf: quarantine.appendingPathComponent(moved[0])) == garbage)
    }

    @Test func terminalControlsInRepliesNeverReachATerminalRaw() throws {
        let (runner, ids) = try seeded()
        defer { runner.remove() }
        // Run under `script` so stdout is a terminal, as it is for a user.
        let result = try runner.run(["history", "show", ids[2]], viaTerminal: true)
        #expect(result.stdout.contains("Plain ␛[31mred␛[0m text"))
        #expect(!result.stdout.contains("\u{1B}[31m"))
    }
}
