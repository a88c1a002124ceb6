import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// `parley ask` end to end: the real binary against the fault-injection server.
@Suite("parley ask", .heavy)
struct AskCommandTests {
    /// A server that streams "one", "two" and "three" to three chat requests in turn.
    func threeRepliesServer() throws -> FaultServer {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIStream(pieces: ["one"]), .openAIStream(pieces: ["two"]),
            .openAIStream(pieces: ["three"]))
        return server
    }

    func stored(_ runner: ParleyRunner) throws -> [Conversation] {
        try runner.conversationFiles().map { try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0)) }
    }

    @Test func streamsOnlyTheReplyToStdoutAndStoresTheTurn() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Par", "is", " 🇫🇷 巴黎"], usage: (20, 4)))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["ask", "--base-url", server.baseURL.absoluteString, "--model", "m1", "Capital", "of", "France?"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Paris 🇫🇷 巴黎\n")
        let conversations = try stored(runner)
        #expect(conversations.count == 1)
        // What the command created is named on stderr, and nothing else is said.
        let id = try #require(conversations.first?.id)
        #expect(result.stderr == "parley: saved as conversation \(id); continue it with 'parley ask -c ...'\n")
        let messages = try #require(conversations.first).messages
        #expect(messages.map(\.content) == ["Capital of France?", "Paris 🇫🇷 巴黎"])
        #expect(messages.map(\.status) == [.complete, .complete])
        try #require(messages.count == 2)
        #expect(messages[1].usage == TokenUsage(promptTokens: 20, completionTokens: 4))
        #expect(messages[1].model == "m1")
        // The request carried the persona's system prompt first and the question last.
        let body = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody)
        let sent = try #require(body["messages"] as? [[String: String]])
        #expect(sent.first?["role"] == "system")
        #expect(sent.last == ["role": "user", "content": "Capital of France?"])
        #expect(body["model"] as? String == "m1")
        #expect(body["stream"] as? Bool == true)
        // Private files whatever the umask.
        #expect(permissions(runner.storage) == 0o700)
        #expect(permissions(runner.storage.appendingPathComponent("conversations")) == 0o700)
        #expect(permissions(try #require(runner.conversationFiles().first)) == 0o600)
    }

    @Test func standardInputIsAppendedAfterThePrompt() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["ok"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(
            ["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "--no-save", "Summarise:"],
            stdin: "line one\nline \u{FFFD}two\n")
        #expect(result.status == 0, "\(result.stderr)")
        let body = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody)
        let sent = try #require(body["messages"] as? [[String: String]])
        #expect(sent.last?["content"] == "Summarise:\n\nline one\nline \u{FFFD}two\n")
        #expect(runner.conversationFiles().isEmpty)
    }

    @Test func jsonPrintsOneObjectAtTheEnd() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["4"], finishReason: "length", usage: (9, 1)))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["ask", "--json", "--base-url", server.baseURL.absoluteString, "--model", "m", "2+2?"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["reply"] as? String == "4")
        #expect(object["finishReason"] as? String == "length")
        #expect((object["usage"] as? [String: Int]) == ["promptTokens": 9, "completionTokens": 1])
        let id = try #require(object["conversationId"] as? String)
        #expect(try stored(runner).first?.id == id)
    }

    @Test func shortFlagsAndASystemPromptForThisRequest() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Arr."]), .openAIStream(pieces: ["Aye."]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let first = try runner.run(["ask", "--base-url", server.baseURL.absoluteString, "-m", "m1", "-s", "You are a pirate.", "hello"])
        #expect(first.status == 0, "\(first.stderr)")
        let body = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody)
        // The system prompt given, instead of the persona's prompt and its examples.
        #expect(body["messages"] as? [[String: String]] == [
            ["role": "system", "content": "You are a pirate."], ["role": "user", "content": "hello"],
        ])
        #expect(body["model"] as? String == "m1")
        // -c continues; the system prompt was for that request only (it is not stored).
        let second = try runner.run(["ask", "-c", "again"])
        #expect(second.status == 0, "\(second.stderr)")
        let next = try #require(server.requests(to: "/v1/chat/completions").last?.jsonBody?["messages"] as? [[String: String]])
        #expect(next.first?["role"] == "system" && next.first?["content"] != "You are a pirate.")
        #expect(next.suffix(3).map { $0["content"] ?? "" } == ["hello", "Arr.", "again"])
        let conversation = try #require(try stored(runner).first)
        #expect(!conversation.messages.contains { $0.content.contains("pirate") })

        let help = try runner.run(["ask", "--help"])
        for flag in ["-s, --system <text>", "-m, --model <name>", "-c, --continue"] {
            #expect(help.stdout.contains(flag), "\(flag)")
        }
        let empty = try runner.run(["ask", "-s", " ", "hi"])
        #expect(empty.status != 0)
        #expect(empty.stderr.split(separator: "\n").first?.contains("--system is empty") == true)
    }

    /// `--continue` goes back to the server and model the conversation was made with, even with no
    /// backend options at all; options given say otherwise. The key is never stored.
    @Test func continuingUsesTheRememberedBackendAndModel() throws {
        let server = try threeRepliesServer()
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let secret = "sk-remember-me-not-0987654321"
        let key = ["OPENAI_API_KEY": secret]
        let first = try runner.run(["ask", "--base-url", server.baseURL.absoluteString, "-m", "m1", "first"], extraEnvironment: key)
        #expect(first.status == 0, "\(first.stderr)")
        // No options: the stored endpoint and model, not the local model.
        let second = try runner.run(["ask", "--continue", "second"], extraEnvironment: key)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "two\n")
        let requests = server.requests(to: "/v1/chat/completions")
        #expect(requests.count == 2)
        #expect(requests.last?.jsonBody?["model"] as? String == "m1")
        #expect(requests.last?.header("Authorization") == "Bearer \(secret)")
        // --model says otherwise for the model, on the same endpoint; it is remembered in turn.
        let id = try #require(try stored(runner).first?.id)
        let third = try runner.run(["ask", "--conversation", String(id.prefix(15)), "-m", "m2", "third"], extraEnvironment: key)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(server.requests(to: "/v1/chat/completions").last?.jsonBody?["model"] as? String == "m2")
        let conversation = try #require(try stored(runner).first)
        #expect(conversation.backend == BackendChoice(name: "openai", kind: "openai", model: "m2", baseUrl: server.baseURL.absoluteString))
        let file = try String(contentsOf: try #require(runner.conversationFiles().first), encoding: .utf8)
        #expect(!file.contains(secret))
        #expect(file.contains("\"baseUrl\" : \"\(server.baseURL.absoluteString)\""))
    }

    /// `--continue` keeps the conversation's persona (its prompt goes out again); `--persona` says
    /// otherwise for that request.
    @Test func continuingKeepsThePersona() throws {
        let server = try threeRepliesServer()
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let base = ["--base-url", server.baseURL.absoluteString, "-m", "m"]
        #expect(try runner.run(["ask", "--persona", "coder"] + base + ["first"]).status == 0)
        #expect(try runner.run(["ask", "-c"] + base + ["second"]).status == 0)
        #expect(try runner.run(["ask", "-c", "--persona", "assistant"] + base + ["third"]).status == 0)
        let systems = server.requests(to: "/v1/chat/completions").map {
            ($0.jsonBody?["messages"] as? [[String: String]])?.first { $0["role"] == "system" }?["content"] ?? ""
        }
        #expect(systems.count == 3)
        #expect(!systems[0].isEmpty)
        #expect(systems[1] == systems[0], "the coder's prompt again")
        #expect(systems[2] != systems[0], "the assistant's prompt for this request")
        #expect(try stored(runner).first?.persona == "coder")
    }

    /// A persona the conversation remembers that is no longer there: one line naming it and the way
    /// out, and nothing is asked or stored.
    @Test func aRememberedPersonaThatIsGoneIsOneLine() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let store = try ConversationStore(root: runner.storage, diagnostics: { _ in })
        var conversation = Conversation(id: "20261201-100000-bbbbbb", title: "old", persona: "retired-persona")
        conversation.messages = [Message(role: .user, content: "q"), Message(role: .assistant, content: "a")]
        try store.create(conversation)
        let result = try runner.run(["ask", "-c", "more"])
        #expect(result.status == 1)
        #expect(result.stderr == "parley: the conversation was written with the persona 'retired-persona', which is no longer there; choose one with --persona NAME (see 'parley personas list')\n")
        #expect(try store.load(id: conversation.id).conversation.messages.count == 2)
    }

    /// A backend the conversation remembers but the config no longer has: one line, and nothing is
    /// asked or stored.
    @Test func aRememberedBackendThatIsGoneIsOneLine() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let store = try ConversationStore(root: runner.storage, diagnostics: { _ in })
        var conversation = Conversation(id: "20261201-100000-aaaaaa", title: "old", persona: "assistant")
        conversation.messages = [Message(role: .user, content: "q"), Message(role: .assistant, content: "a")]
        conversation.backend = BackendChoice(name: "lan", kind: "openai", model: "big")
        try store.create(conversation)
        let result = try runner.run(["ask", "-c", "more"])
        #expect(result.status == 1)
        #expect(result.stderr == "parley: the conversation was answered by the openai backend 'lan', which the config no longer has; choose one with --backend NAME, --base-url URL or --gguf FILE\n")
        #expect(try store.load(id: conversation.id).conversation.messages.count == 2)
    }

    @Test func aReplyCutAtItsTokenLimitSaysSoOnStderr() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIStream(pieces: ["Once upon"], finishReason: "length", usage: (9, 4)),
            .openAIStream(pieces: ["Once"], finishReason: "length", usage: (9, 2)))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let base = ["--base-url", server.baseURL.absoluteString, "--model", "m", "--no-save"]
        let result = try runner.run(["ask", "--max-tokens", "4"] + base + ["a story"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Once upon\n")
        #expect(result.stderr == "parley: the reply was cut off at its limit of 4 tokens; give a larger --max-tokens (or max_tokens in the config) for a longer one\n")
        #expect(server.requests(to: "/v1/chat/completions").first?.jsonBody?["max_tokens"] as? Int == 4)
        // The server's own limit, below the one asked for: said, without the advice that cannot help.
        let server2 = try runner.run(["ask", "--max-tokens", "100"] + base + ["a story"])
        #expect(server2.stderr == "parley: the reply was cut off at the backend's token limit, after 2 tokens\n")
    }

    @Test func noStreamAsksForTheWholeReply() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .completion("All at once.", model: "m"))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["ask", "--no-stream", "--base-url", server.baseURL.absoluteString, "--model", "m", "hi"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "All at once.\n")
        #expect(server.requests(to: "/v1/chat/completions").first?.jsonBody?["stream"] as? Bool == false)
        #expect(try stored(runner).first?.messages.last?.status == .complete)
    }

    @Test func continueAndConversationSendTheHistory() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["first answer"]), .openAIStream(pieces: ["second answer"]),
                     .openAIStream(pieces: ["third answer"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let base = ["--base-url", server.baseURL.absoluteString, "--model", "m"]
        #expect(try runner.run(["ask"] + base + ["first question"]).status == 0)
        #expect(try runner.run(["ask", "--continue"] + base + ["second question"]).status == 0)
        let id = try #require(try stored(runner).first?.id)
        #expect(try runner.run(["ask", "--conversation", String(id.prefix(17))] + base + ["third question"]).status == 0)
        let contents = try #require(try stored(runner).first).messages.map(\.content)
        #expect(contents == ["first question", "first answer", "second question", "second answer", "third question", "third answer"])
        let last = try #require(server.requests(to: "/v1/chat/completions").last?.jsonBody?["messages"] as? [[String: String]])
        // System prompt and the persona's examples first, then the whole history.
        #expect(last.suffix(5).map { $0["content"] ?? "" } == Array(contents.dropLast()))
        #expect(last.first?["role"] == "system")
    }

    @Test func aFailedRequestKeepsTheQuestionAndSaysWhyOnOneLine() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        // Port 1 on loopback: nothing listens there.
        let result = try runner.run(["ask", "--base-url", "http://127.0.0.1:1/v1", "--model", "m", "hello"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("connection refused"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        let messages = try #require(try stored(runner).first).messages
        #expect(messages.first?.content == "hello")
        #expect(messages.last?.status == .failed)
    }

    @Test func rejectedKeyNamesTheVariableNeverTheKey() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIError(status: 401, message: "Incorrect API key provided: sk-sec***", code: "invalid_api_key"))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let secret = "sk-secret-1234567890"
        let result = try runner.run(
            ["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "--api-key-env", "MY_KEY", "hi"],
            extraEnvironment: ["MY_KEY": secret])
        #expect(result.status == 1)
        #expect(result.stderr.contains("MY_KEY"))
        #expect(!result.stderr.contains(secret))
        #expect(server.requests.first?.header("Authorization") == "Bearer \(secret)")
        for file in runner.conversationFiles() {
            #expect(!(try String(contentsOf: file, encoding: .utf8)).contains(secret))
        }
    }

    @Test func interruptKeepsThePartialReplyAndExits130() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["partial ", "reply"], finishReason: nil, done: false, ending: .hang))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let running = try runner.start(["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "go"])
        #expect(running.waitForStdout { $0 == "partial reply" })
        running.signal(SIGINT)
        let result = running.finish()
        #expect(result.status == 130)
        #expect(result.stderr.contains("cancelled"))
        let reply = try #require(try stored(runner).first?.messages.last)
        #expect(reply.content == "partial reply")
        #expect(reply.status == .interrupted)
    }

    @Test(arguments: [
        (["ask", "--bogus"], "Unknown option '--bogus'"),
        (["ask", "--temperature", "7", "x"], "--temperature must be between 0 and 2"),
        (["ask", "--continue", "--conversation", "x", "y"], "--continue and --conversation"),
        (["ask", "--base-url", "ftp://x", "y"], "is not an http:// or https:// URL"),
        (["ask", "--persona", "nobody", "y"], "unknown persona 'nobody'"),
        (["ask", "--conversation", "nope", "--base-url", "http://127.0.0.1:1/v1", "y"], "nope"),
        (["ask", "--backend", "mystery", "y"], "unknown backend 'mystery'"),
        (["ask"], "nothing to ask"),
        (["history", "show", "nope"], "nope"),
        (["history", "export", "nope", "--format", "pdf"], "pdf"),
        (["ask", "y"], "pull it with: parley models pull smollm2-135m"),
    ])
    func badInputGivesOneLineAndChangesNothing(arguments: [String], expected: String) throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(arguments)
        #expect(result.status != 0)
        #expect(!result.signalled)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(runner.conversationFiles().isEmpty)
    }
}

func permissions(_ url: URL) -> Int {
    var info = stat()
    guard stat(url.path, &info) == 0 else { return -1 }
    return Int(info.st_mode) & 0o777
}
