import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import Testing

/// `parley write` end to end: the real binary, the bundled templates, the fault-injection server.
@Suite("parley write")
struct WriteCommandTests {
    func drafts(_ runner: ParleyRunner) throws -> [[String: Any]] {
        let directory = runner.storage.appendingPathComponent("drafts")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent($0))) as? [String: Any])
        }
    }

    func conversations(_ runner: ParleyRunner) throws -> [Conversation] {
        try runner.conversationFiles().map { try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0)) }
    }

    func sentMessages(_ server: FaultServer, _ index: Int = 0) throws -> [[String: String]] {
        let requests = server.requests(to: "/v1/chat/completions")
        return try #require(requests[index].jsonBody?["messages"] as? [[String: String]])
    }

    @Test func streamsTheDraftAndKeepsItWithAWriteModeConversation() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["1. Sip ", "smarter.\n2. Cup, ", "reuse, repeat."]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run([
            "write", "slogan", "--field", "product=a reusable coffee cup", "--tone", "persuasive", "--audience", "commuters",
            "--base-url", server.baseURL.absoluteString, "--model", "m1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1. Sip smarter.\n2. Cup, reuse, repeat.\n")
        #expect(result.stderr == "")
        // The request: the copywriter persona's system prompt, then the filled instruction (no persona examples),
        // with the template's own example exchange before it.
        let sent = try sentMessages(server)
        #expect(sent.first?["role"] == "system")
        #expect(sent.first?["content"]?.contains("copywriter") == true)
        let instruction = try #require(sent.last?["content"])
        #expect(instruction.hasPrefix("Write 5 different slogans for a reusable coffee cup."))
        #expect(instruction.contains("Use a persuasive tone."))
        #expect(instruction.contains("Write for this audience: commuters."))
        #expect(sent.count == 4)
        #expect(server.requests(to: "/v1/chat/completions").first?.jsonBody?["max_tokens"] as? Int == 300)
        // The draft and the conversation are both on disk and point at each other.
        let stored = try drafts(runner)
        #expect(stored.count == 1)
        let draft = try #require(stored.first)
        #expect(draft["template"] as? String == "slogan")
        #expect(draft["kind"] as? String == "copy")
        #expect((draft["fields"] as? [String: String])?["product"] == "a reusable coffee cup")
        #expect((draft["controls"] as? [String: String]) == ["tone": "persuasive", "length": "short", "audience": "commuters"])
        let versions = try #require(draft["versions"] as? [[String: Any]])
        #expect(versions.map { $0["text"] as? String } == ["1. Sip smarter.\n2. Cup, reuse, repeat."])
        #expect(versions.first?["model"] as? String == "m1")
        let conversation = try #require(try conversations(runner).first)
        #expect(conversation.mode == .write)
        #expect(conversation.persona == "copywriter")
        #expect(draft["conversationID"] as? String == conversation.id)
        #expect(conversation.messages.map(\.content) == [instruction, "1. Sip smarter.\n2. Cup, reuse, repeat."])
        #expect(permissions(runner.storage.appendingPathComponent("drafts")) == 0o700)
    }

    @Test func aFieldReadFromStandardInputAndTheJSONRecord() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Fix the greeting\n\nAdd the missing comma."]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let diff = "--- a/greet.py\n+++ b/greet.py\n-    print(\"Hello \" + name)\n+    print(f\"Hello, {name}!\")\n"
        let result = try runner.run(
            ["write", "commit-message", "--field", "diff=-", "--json", "--base-url", server.baseURL.absoluteString, "--model", "m"],
            stdin: diff)
        #expect(result.status == 0, "\(result.stderr)")
        let instruction = try #require(try sentMessages(server).last?["content"])
        #expect(instruction.contains("Diff:\n" + diff.trimmingCharacters(in: .newlines)))
        // The optional "why" was not given, so its line is left out.
        #expect(!instruction.contains("Why the change"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(record["template"] as? String == "commit-message")
        #expect(record["currentIndex"] as? Int == 0)
        let versions = try #require(record["versions"] as? [[String: Any]])
        #expect(versions.first?["text"] as? String == "Fix the greeting\n\nAdd the missing comma.")
        #expect(versions.first?["instruction"] as? String == instruction)
        #expect(try drafts(runner).first?["id"] as? String == record["id"] as? String)
    }

    @Test func outputFileIsWrittenButNeverOverwrittenWithoutForce() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["First draft"]), .openAIStream(pieces: ["Second draft"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let base = ["--field", "topic=running at forty", "--base-url", server.baseURL.absoluteString, "--model", "m"]
        let file = runner.home.url.appendingPathComponent("outline.md").path
        let first = try runner.run(["write", "outline", "-o", file] + base)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "First draft\n")

        // Refused before anything is generated: no request, the file as it was.
        let refused = try runner.run(["write", "outline", "-o", file] + base)
        #expect(refused.status == 1)
        #expect(refused.stderr == "parley: \(file) already exists; not overwriting it (use --force to replace it)\n")
        #expect(server.requests(to: "/v1/chat/completions").count == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "First draft\n")

        let forced = try runner.run(["write", "outline", "-o", file, "--force"] + base)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "Second draft\n")
    }

    @Test func reviseListVersionsAndDiffFromTheShell() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["Subject: Heating\n\nHi Sam,\nThe heating is broken.\nPlease fix it this week.\nAlex"]),
            .openAIStream(pieces: ["Subject: Heating\n\nHi Sam,\nPlease fix the heating this week.\nAlex"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let backend = ["--base-url", server.baseURL.absoluteString, "--model", "m"]
        let first = try runner.run(["write", "email", "--field", "to=Sam", "--field", "topic=the broken heating", "--json"] + backend)
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])?["id"] as? String)

        let revised = try runner.run(["write", "--revise", String(id.prefix(18)), "make", "it", "shorter"] + backend)
        #expect(revised.status == 0, "\(revised.stderr)")
        #expect(revised.stdout == "Subject: Heating\n\nHi Sam,\nPlease fix the heating this week.\nAlex\n")
        // The revision prompt carries the current version and the request, in the same conversation.
        let prompt = try #require(try sentMessages(server, 1).last?["content"])
        #expect(prompt.contains("The heating is broken.\nPlease fix it this week."))
        #expect(prompt.contains("Change: make it shorter."))
        let history = try sentMessages(server, 1).map { $0["content"] ?? "" }
        #expect(history.contains { $0.hasPrefix("Write an email to Sam about the broken heating.") })
        let conversation = try #require(try conversations(runner).first)
        #expect(try conversations(runner).count == 1)
        #expect(conversation.messages.count == 4)

        let listed = try runner.run(["write", "--versions", id])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("   1  ") && lines[1].hasSuffix("from template email"))
        #expect(lines[2].hasPrefix("*  2  ") && lines[2].contains("openai/m") && lines[2].hasSuffix("make it shorter"))

        let one = try runner.run(["write", "--versions", id, "1"])
        #expect(one.stdout == "Subject: Heating\n\nHi Sam,\nThe heating is broken.\nPlease fix it this week.\nAlex\n")
        #expect(try runner.run(["write", "--versions", id, "3"]).stderr == "parley: draft \(id) has no version 3; it has versions 1 to 2\n")

        let diff = try runner.run(["write", "--diff", id, "1", "2"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout == """
            --- \(id) version 1
            +++ \(id) version 2
            @@ -1,6 +1,5 @@
             Subject: Heating
             
             Hi Sam,
            -The heating is broken.
            -Please fix it this week.
            +Please fix the heating this week.
             Alex

            """)
        // With no numbers: the previous version against the current one.
        #expect(try runner.run(["write", "--diff", id]).stdout == diff.stdout)
        let drafts = try runner.run(["write", "--drafts"])
        #expect(drafts.stdout.hasPrefix(id) && drafts.stdout.contains(" 2 versions  email: Sam"))
    }

    @Test func mistakesAreOneLineAndAskNothing() throws {
        let server = try FaultServer()
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let backend = ["--base-url", server.baseURL.absoluteString, "--model", "m"]
        let unknown = try runner.run(["write", "poem"] + backend)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("parley: unknown template 'poem'; known templates: aida, commit-message, cover-letter,"))
        #expect(unknown.stderr.split(separator: "\n").count == 1)

        let missing = try runner.run(["write", "email", "--field", "to=Sam"] + backend)
        #expect(missing.status == 1)
        #expect(missing.stderr == "parley: template 'email' needs the field 'topic' (What is it about?); give each a value (in the shell: --field NAME=VALUE)\n")

        let extra = try runner.run(["write", "email", "--field", "to=Sam", "--field", "topic=x", "--field", "cc=Bo"] + backend)
        #expect(extra.status == 1)
        #expect(extra.stderr == "parley: 'cc' is not a field of template 'email'; its fields: to, topic, points, sender\n")

        let tone = try runner.run(["write", "email", "--tone", "grumpy"] + backend)
        #expect(tone.status != 0)
        #expect(tone.stderr.contains("unknown tone 'grumpy'; use one of: neutral, formal, friendly, persuasive, playful"))
        #expect(try runner.run(["write", "--revise", "zzz", "shorter"]).stderr == "parley: no draft with id 'zzz'\n")
        #expect(server.requests.isEmpty)
        #expect(try drafts(runner).isEmpty)
    }

    @Test func listingShowsKindsAndUserTemplatesAndNamesBadFiles() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let userTemplates = runner.home.url.appendingPathComponent("config/parley/templates")
        try FileManager.default.createDirectory(at: userTemplates, withIntermediateDirectories: true)
        try "---\nname: haiku\nkind: copy\ndescription: A haiku about a product.\nfields:\n  - name: product\n    prompt: What?\n    required: true\n---\nWrite a haiku about {{product}}."
            .write(to: userTemplates.appendingPathComponent("haiku.md"), atomically: true, encoding: .utf8)
        try "---\nname: broken\nkind: copy\n---\nWrite about {{thing}}."
            .write(to: userTemplates.appendingPathComponent("broken.md"), atomically: true, encoding: .utf8)

        let list = try runner.run(["write", "--list"])
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("Documents\n  cover-letter "))
        #expect(list.stdout.contains("\nCopy\n  aida "))
        #expect(list.stdout.contains("\n  haiku                A haiku about a product.\n"))
        #expect(list.stdout.contains("\nCode\n  commit-message "))
        #expect(list.stderr.contains("warning: template file \(userTemplates.path)/broken.md: the instruction uses {{thing}}"))

        let json = try runner.run(["write", "--list", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 18)
        let email = try #require(entries.first { $0["name"] as? String == "email" })
        #expect(email["kind"] as? String == "document")
        #expect(email["persona"] as? String == "writer")
        #expect((email["fields"] as? [[String: Any]])?.first?["name"] as? String == "to")

        // --personas DIR: its templates/ folder comes last and overrides a bundled template.
        let extra = runner.home.url.appendingPathComponent("extra/templates")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        try "---\nname: email\nkind: document\ndescription: My own email.\n---\nWrite a two-line email."
            .write(to: extra.appendingPathComponent("email.md"), atomically: true, encoding: .utf8)
        let overridden = try runner.run(["write", "--list", "--personas", runner.home.url.appendingPathComponent("extra").path])
        #expect(overridden.stdout.contains("\n  email                My own email.\n"))

        let show = try runner.run(["write", "--show", "email", "--field", "to=Kim"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("  to (required)  Who is the email to?"))
        #expect(show.stdout.contains("Write an email to Kim about the broken heating."))
    }
}
