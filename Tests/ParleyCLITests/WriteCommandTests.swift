import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley write` end to end: the real binary, the bundled templates, the fault-injection server.
@Suite("parley write", .heavy)
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

    @Test func writesTheCheckedDraftAndKeepsItWithAWriteModeConversation() throws {
        let server = try FaultServer()
        // Slogans are written as JSON under a schema; the program numbers them.
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: [
            "{\"items\": [\"Sip smarter from a reusable cup.\", ", "\"Coffee cup, reuse, repeat.\"]}",
        ]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run([
            "write", "slogan", "--field", "product=a reusable coffee cup", "--field", "count=2", "--tone", "persuasive",
            "--audience", "commuters", "--base-url", server.baseURL.absoluteString, "--model", "m1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1. Sip smarter from a reusable cup.\n2. Coffee cup, reuse, repeat.\n")
        // The draft's id is always said, on stderr.
        let stored = try drafts(runner)
        #expect(stored.count == 1)
        let draft = try #require(stored.first)
        let id = try #require(draft["id"] as? String)
        #expect(result.stderr == "parley: draft \(id) version 1; revise with: parley write revise \(id) \"shorter\"\n")
        // The request: the copywriter persona's system prompt, then the filled instruction (no persona examples),
        // with the template's own example exchange before it, and the schema.
        let sent = try sentMessages(server)
        #expect(sent.first?["role"] == "system")
        #expect(sent.first?["content"]?.contains("copywriter") == true)
        let instruction = try #require(sent.last?["content"])
        #expect(instruction.hasPrefix("Write 2 different slogans for a reusable coffee cup."))
        #expect(instruction.contains("Use a persuasive tone."))
        #expect(instruction.contains("Write for this audience: commuters."))
        #expect(sent.count == 4)
        let body = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody)
        #expect(body["max_tokens"] as? Int == 300)
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        #expect(server.requests(to: "/v1/chat/completions").count == 1)
        // The draft and the conversation are both on disk and point at each other.
        #expect(draft["template"] as? String == "slogan")
        #expect(draft["kind"] as? String == "copy")
        #expect((draft["fields"] as? [String: String])?["product"] == "a reusable coffee cup")
        #expect((draft["controls"] as? [String: String]) == ["tone": "persuasive", "length": "short", "audience": "commuters"])
        let versions = try #require(draft["versions"] as? [[String: Any]])
        #expect(versions.map { $0["text"] as? String } == ["1. Sip smarter from a reusable cup.\n2. Coffee cup, reuse, repeat."])
        #expect(versions.first?["model"] as? String == "m1")
        #expect(versions.first?["notes"] == nil)
        let conversation = try #require(try conversations(runner).first)
        #expect(conversation.mode == .write)
        #expect(conversation.persona == "copywriter")
        #expect(conversation.backend == BackendChoice(name: "openai", kind: "openai", model: "m1", baseUrl: server.baseURL.absoluteString))
        #expect(draft["conversationId"] as? String == conversation.id)
        // The history holds the text the user got, not the JSON.
        #expect(conversation.messages.map(\.content) == [instruction, "1. Sip smarter from a reusable cup.\n2. Coffee cup, reuse, repeat."])
        #expect(permissions(runner.storage.appendingPathComponent("drafts")) == 0o700)
    }

    @Test func aDraftThatRepeatsTheExampleIsWrittenAgainWithAnotherSeed() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["Subject: New address\n\nHello,\n\nWe have moved. Please use 4 Hill Road from now on.\n\nThank you,\nJo"]),
            .openAIStream(pieces: ["Dear landlord,\n\nThe heater is broken. Please repair it.\n\nThank you,\nChris"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run([
            "write", "email", "--field", "to=my landlord", "--field", "topic=the broken heater", "--field", "sender=Jo",
            "--seed", "5", "--base-url", server.baseURL.absoluteString, "--model", "m",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // The second answer, given a subject line and signed with the sender's name by the program.
        #expect(result.stdout == "Subject: The broken heater\n\nDear landlord,\n\nThe heater is broken. Please repair it.\n\nThank you,\nJo\n")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stderr)")
        // ("Hello," became "Hello landlord,": the draft names its recipient, so only the copy is said.)
        #expect(lines.first == "parley: it repeats the template's example; writing it again with another seed")
        #expect(lines.last?.hasPrefix("parley: draft ") == true)
        let bodies = server.requests(to: "/v1/chat/completions").compactMap(\.jsonBody)
        #expect(bodies.count == 2)
        #expect(bodies.map { $0["seed"] as? Int } == [5, 1_000_008])
        #expect(try drafts(runner).count == 1)
        #expect(try conversations(runner).first?.messages.count == 2)
    }

    @Test func pipedInputFillsTheOneMultiLineFieldLeftEmpty() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Add a comma to the greeting\n\nThe greeting read badly."]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let diff = "--- a/greet.py\n+++ b/greet.py\n-    print(\"Hello \" + name)\n+    print(f\"Hello, {name}!\")\n"
        // What the new user typed: `git diff | parley write commit-message`.
        let result = try runner.run(
            ["write", "commit-message", "--base-url", server.baseURL.absoluteString, "--model", "m"], stdin: diff)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Add a comma to the greeting\n\nThe greeting read badly.\n")
        let instruction = try #require(try sentMessages(server).last?["content"])
        #expect(instruction.contains("Diff:\n" + diff.trimmingCharacters(in: .newlines)))
        #expect((try drafts(runner).first?["fields"] as? [String: String])?["diff"] == diff.trimmingCharacters(in: .whitespacesAndNewlines))

        // A field given on the command line wins; standard input is not read for it.
        let given = try runner.run(
            ["write", "commit-message", "--field", "diff=-x\n+y", "--base-url", server.baseURL.absoluteString, "--model", "m"],
            stdin: diff)
        #expect(given.status == 0, "\(given.stderr)")
        #expect(try sentMessages(server, 1).last?["content"]?.contains("Diff:\n-x\n+y") == true)

        // Nothing piped and no field: the usual message.
        let none = try runner.run(["write", "commit-message", "--base-url", server.baseURL.absoluteString, "--model", "m"], stdin: "")
        #expect(none.status == 1)
        #expect(none.stderr.hasPrefix("parley: template 'commit-message' needs the field 'diff'"))
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
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["First draft ready."]), .openAIStream(pieces: ["Second draft ready."]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let base = ["--field", "text=The first draft of the plan is ready for the team to review this week.", "--base-url", server.baseURL.absoluteString, "--model", "m"]
        let file = runner.home.url.appendingPathComponent("summary.md").path
        let first = try runner.run(["write", "summary", "-o", file] + base)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "First draft ready.\n")

        // Refused before anything is generated: no request, the file as it was.
        let refused = try runner.run(["write", "summary", "-o", file] + base)
        #expect(refused.status == 1)
        #expect(refused.stderr == "parley: \(file) already exists; not overwriting it; use --force to replace it\n")
        #expect(server.requests(to: "/v1/chat/completions").count == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "First draft ready.\n")

        let forced = try runner.run(["write", "summary", "-o", file, "--force"] + base)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "Second draft ready.\n")
    }

    @Test func reviseListVersionsAndDiffFromTheShell() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["Subject: Heating\n\nHi Sam,\nThe heating is broken.\nPlease fix it this week.\nAlex"]),
            .openAIStream(pieces: ["Subject: Heating\n\nHi Sam,\nPlease fix the broken heating this week.\nAlex"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let backend = ["--base-url", server.baseURL.absoluteString, "--model", "m"]
        let first = try runner.run(["write", "email", "--field", "to=Sam", "--field", "topic=the broken heating", "--json"] + backend)
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])?["id"] as? String)

        // No backend flags: the revision goes back to the server and model the draft's conversation remembers.
        let revised = try runner.run(["write", "revise", String(id.prefix(18)), "make", "it", "shorter"])
        #expect(revised.status == 0, "\(revised.stderr)")
        #expect(revised.stdout == "Subject: Heating\n\nHi Sam,\nPlease fix the broken heating this week.\nAlex\n")
        #expect(revised.stderr.hasPrefix("parley: draft \(id) version 2;"))
        // The revision prompt carries the current version and the request, in the same conversation.
        let prompt = try #require(try sentMessages(server, 1).last?["content"])
        #expect(server.requests(to: "/v1/chat/completions").last?.jsonBody?["model"] as? String == "m")
        #expect(prompt.contains("The heating is broken.\nPlease fix it this week."))
        #expect(prompt.contains("Change: make it shorter."))
        let history = try sentMessages(server, 1).map { $0["content"] ?? "" }
        #expect(history.contains { $0.hasPrefix("Write an email to Sam about the broken heating.") })
        let conversation = try #require(try conversations(runner).first)
        #expect(try conversations(runner).count == 1)
        #expect(conversation.messages.count == 4)

        let listed = try runner.run(["write", "versions", id])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        try #require(lines.count == 3)
        #expect(lines[1].hasPrefix("   1  ") && lines[1].hasSuffix("from template email"))
        #expect(lines[2].hasPrefix("*  2  ") && lines[2].contains("openai/m") && lines[2].hasSuffix("make it shorter"))

        let one = try runner.run(["write", "versions", id, "1"])
        #expect(one.stdout == "Subject: Heating\n\nHi Sam,\nThe heating is broken.\nPlease fix it this week.\nAlex\n")
        #expect(try runner.run(["write", "versions", id, "3"]).stderr == "parley: draft \(id) has no version 3; it has versions 1 to 2\n")

        let diff = try runner.run(["write", "diff", id, "1", "2"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout == """
            --- \(id) version 1
            +++ \(id) version 2
            @@ -1,6 +1,5 @@
             Subject: Heating
             
             Hi Sam,
            -The heating is broken.
            -Please fix it this week.
            +Please fix the broken heating this week.
             Alex

            """)
        // With no numbers: the previous version against the current one.
        #expect(try runner.run(["write", "diff", id]).stdout == diff.stdout)
        let drafts = try runner.run(["write", "drafts"])
        #expect(drafts.stdout.hasPrefix(id) && drafts.stdout.contains(" 2 versions  email: Sam"))
    }

    @Test func aRevisionTheModelDoesNotMakeIsRefusedAndMakesNoVersion() throws {
        let email = "Subject: Heating\n\nHi Sam,\nThe heating is broken.\nAlex"
        let server = try FaultServer()
        // The draft, then the same text back for the revision, twice.
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: [email]), .openAIStream(pieces: [email + "\n"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let backend = ["--base-url", server.baseURL.absoluteString, "--model", "m"]
        let first = try runner.run(["write", "email", "--field", "to=Sam", "--field", "topic=the broken heating"] + backend)
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require(try drafts(runner).first?["id"] as? String)
        let revised = try runner.run(["write", "revise", id, "more", "formal"] + backend)
        #expect(revised.status == 1)
        #expect(revised.stdout == "")
        #expect(revised.stderr == """
            parley: the model gave the draft back unchanged; writing it again with another seed
            parley: the model gave the draft back unchanged twice, so no new version was made; try saying the change another way

            """)
        #expect(server.requests(to: "/v1/chat/completions").count == 3)
        #expect((try drafts(runner).first?["versions"] as? [Any])?.count == 1)
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
        // The store says what is missing; the command adds where to look.
        #expect(try runner.run(["write", "revise", "zzz", "shorter"]).stderr
            == "parley: no draft with id 'zzz'; run 'parley write drafts' to see the ids\n")
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

        let list = try runner.run(["write", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("Documents\n  cover-letter "))
        #expect(list.stdout.contains("\nCopy\n  aida "))
        #expect(list.stdout.contains("\n  haiku                A haiku about a product.\n"))
        #expect(list.stdout.contains("\nCode\n  commit-message "))
        #expect(list.stderr.contains("warning: template file \(userTemplates.path)/broken.md: the instruction uses {{thing}}"))

        let json = try runner.run(["write", "list", "--json"])
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
        let overridden = try runner.run(["write", "list", "--personas", runner.home.url.appendingPathComponent("extra").path])
        #expect(overridden.stdout.contains("\n  email                My own email.\n"))

        let show = try runner.run(["write", "show", "email", "--field", "to=Kim"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("  to (required, must appear)  Who is the email to?"))
        #expect(show.stdout.contains("\nDrafts have: a first line \"Subject: ...\"\n"))
        let slogan = try runner.run(["write", "show", "slogan"])
        #expect(slogan.stdout.contains("Drafts have: a numbered list of 5 items (written as JSON, laid out by Parley)"))
        #expect(try runner.run(["write", "show", "commit-message"]).stdout.contains("  diff (required, multi-line, the draft is about it)  The diff"))
        #expect(show.stdout.contains("Write an email to Kim about the broken heating."))
    }

    @Test func eachVerbIsASubcommandWithItsOwnHelpAndTheOldFlagsSayWhereTheyWent() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        // Each --help lists its own options: the diff's has no --field, new's no version numbers.
        let diffHelp = try runner.run(["write", "diff", "--help"]).stdout
        #expect(diffHelp.contains("USAGE: parley write diff"))
        #expect(!diffHelp.contains("--field") && !diffHelp.contains("--tone") && !diffHelp.contains("--temperature"))
        let newHelp = try runner.run(["write", "new", "--help"]).stdout
        #expect(newHelp.contains("--field") && newHelp.contains("--temperature"))
        #expect(!newHelp.contains("--revise") && !newHelp.contains("--drafts"))
        let listHelp = try runner.run(["write", "list", "--help"]).stdout
        #expect(!listHelp.contains("--field") && !listHelp.contains("--base-url"))
        // The shortcut is the same command as `new`.
        #expect(try runner.run(["write", "show", "slogan"]).stdout.hasPrefix("slogan (copy)"))
        let moved: [([String], String)] = [
            (["--revise", "abc", "shorter"], "'parley write --revise' is now 'parley write revise DRAFT CHANGE'"),
            (["--versions", "abc"], "'parley write --versions' is now 'parley write versions DRAFT [N]'"),
            (["--diff", "abc"], "'parley write --diff' is now 'parley write diff DRAFT [A B]'"),
            (["--show", "email"], "'parley write --show' is now 'parley write show TEMPLATE'"),
            (["--list"], "'parley write --list' is now 'parley write list'"),
            (["--drafts"], "'parley write --drafts' is now 'parley write drafts'"),
        ]
        for (arguments, message) in moved {
            let result = try runner.run(["write"] + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr == "parley: \(message) (see 'parley --help')\n")
        }
        let noTemplate = try runner.run(["write"])
        #expect(noTemplate.stderr == "parley: name a template (see 'parley write list') (see 'parley --help')\n")
        #expect(try runner.run(["write", "revise", "abc"]).stderr.contains("say what to change"))
        #expect(try runner.run(["write", "diff", "abc", "1"]).stderr.contains("give two version numbers, or none"))
        #expect(runner.conversationFiles().isEmpty)
    }
}
