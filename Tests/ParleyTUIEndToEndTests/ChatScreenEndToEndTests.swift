import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// The real `parley` chat screen in tmux against the fault server: typing, streaming, cancelling,
/// resizing, quitting, and what ends up on disk.
@Suite("Chat screen in tmux", .heavy, .serialized)
struct ChatScreenEndToEndTests {
    func stored(_ screen: TmuxScreen) throws -> [Conversation] {
        try screen.conversationFiles().map { try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0)) }
    }

    @Test func chatStreamCancelResizeQuitAndTheConversationOnDisk() throws {
        let server = try FaultServer()
        let slowStory = (1...200).map { "word\($0) " }
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["Tokyo ", "is ", "the ", "capital: ", "東京", " 🗼 done."], usage: (12, 6), delay: 0.05),
            .openAIStream(pieces: slowStory, delay: 0.1))
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"])
        defer { screen.close() }

        let ready = screen.waitFor { $0.contains("Message (Enter sends") && $0.contains("openai/m1") }
        #expect(ready.ok, "\(ready.screen)")

        // A message with CJK text; the streamed reply appears with its wide characters.
        try screen.type("Capital of 日本?")
        try screen.press("Enter")
        let replied = screen.waitFor { $0.contains("東京 🗼 done.") && $0.contains("idle") }
        #expect(replied.ok, "\(replied.screen)")
        #expect(replied.screen.contains("  Capital of 日本?"))

        // A long reply, cancelled with Ctrl-C while it streams: the partial text stays.
        try screen.type("Tell me a long story")
        try screen.press("Enter")
        let streaming = screen.waitFor { $0.contains("word3 ") && $0.contains("streaming") }
        #expect(streaming.ok, "\(streaming.screen)")
        try screen.press("C-c")
        let cancelled = screen.waitFor { $0.contains("[interrupted: cancelled by the user]") && $0.contains("idle") }
        #expect(cancelled.ok, "\(cancelled.screen)")

        // Resize small, to 1x1, and back: no crash, the layout follows.
        try screen.resize(width: 40, height: 12)
        let narrow = screen.waitFor { screen in
            let rows = screen.split(separator: "\n")
            return rows.contains { $0.hasPrefix(" chat · ") } && rows.allSatisfy { $0.count <= 40 }
        }
        #expect(narrow.ok, "\(narrow.screen)")
        try screen.resize(width: 1, height: 1)
        try screen.resize(width: 20, height: 5)
        let tiny = screen.waitFor { $0.contains("Terminal too") }
        #expect(tiny.ok, "\(tiny.screen)")
        try screen.resize(width: 100, height: 30)
        let back = screen.waitFor { $0.contains(" Parley · Capital of 日本?") && $0.contains("[interrupted") }
        #expect(back.ok, "\(back.screen)")

        // Ctrl-D on the empty input quits and gives the terminal back.
        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)
        #expect(screen.alternateScreenIsOn() == false)

        let conversations = try stored(screen)
        #expect(conversations.count == 1)
        let messages = try #require(conversations.first).messages
        // Required, not expected: the lines below index the messages (an index past the end would
        // stop the whole test process, not fail this test).
        try #require(messages.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(messages[0].content == "Capital of 日本?")
        #expect(messages[1].content == "Tokyo is the capital: 東京 🗼 done.")
        #expect(messages[1].status == .complete)
        #expect(messages[3].status == .interrupted)
        #expect(messages[3].content.hasPrefix("word1 word2 word3 "))
        #expect(!messages[3].content.contains("word200"))
        // The server saw the CJK text as sent.
        let body = try #require(server.requests(to: "/v1/chat/completions").first?.jsonBody)
        let sent = try #require(body["messages"] as? [[String: String]])
        #expect(sent.last == ["role": "user", "content": "Capital of 日本?"])
    }

    @Test func reasoningFoldsAndUnfoldsAndTheCrisisNoticeStaysOnReopening() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(pieces: ["Forty-two."], reasoning: ["First, ", "the question.\n", "Then the answer."], delay: 0.02),
            .openAIStream(pieces: ["I am here with you."], delay: 0.02))
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)

        try screen.type("What is the answer?")
        try screen.press("Enter")
        let folded = screen.waitFor { $0.contains("Forty-two.") && $0.contains("idle") }
        #expect(folded.ok, "\(folded.screen)")
        #expect(folded.screen.contains("▸ thinking (2 lines)"))
        #expect(!folded.screen.contains("Then the answer."))
        try screen.press("C-t")
        let unfolded = screen.waitFor { $0.contains("┊ Then the answer.") }
        #expect(unfolded.ok, "\(unfolded.screen)")

        // Once the saves are 2 s old the screen lists the conversations in the background, so the
        // next --continue finds the newest one without a listing of its own.
        let newest = screen.storage.appendingPathComponent("newest.json")
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: newest.path) && Date() < deadline { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: newest.path))

        try screen.type("I want to end my life")
        try screen.press("Enter")
        let notice = screen.waitFor { $0.contains("I am here with you.") && $0.contains("idle") }
        #expect(notice.ok, "\(notice.screen)")
        #expect(notice.screen.contains("Support is available"))
        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)

        let conversations = try stored(screen)
        #expect(conversations.first?.messages.dropFirst().first?.reasoning == "First, the question.\nThen the answer.")

        // Reopened with --continue: the notice is drawn again from the stored message.
        let again = try TmuxScreen(["--continue", "--base-url", server.baseURL.absoluteString, "--model", "m1"], environment: ["PARLEY_HOME": screen.storage.path])
        defer { again.close() }
        let reopened = again.waitFor { $0.contains("I am here with you.") }
        #expect(reopened.ok, "\(reopened.screen)")
        #expect(reopened.screen.contains("Support is available"))
    }

    /// `parley -c` with no backend options reopens a conversation made with `--base-url` on that
    /// server and model (not the local model), and says so in the status line; a reply cut at its
    /// token limit says so.
    @Test func continueReopensOnTheRememberedServerAndModel() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIStream(pieces: ["first"]),
            .openAIStream(pieces: ["second, cut"], finishReason: "length", usage: (9, 3)))
        let first = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "-m", "m7"])
        defer { first.close() }
        #expect(first.waitFor { $0.contains("Message (Enter sends") && $0.contains("openai/m7") }.ok)
        try first.type("hello")
        try first.press("Enter")
        #expect(first.waitFor { $0.contains("first") && $0.contains("idle") }.ok)
        try first.press("C-d")
        #expect(first.exitStatus() == 0)

        let again = try TmuxScreen(["-c"], environment: ["PARLEY_HOME": first.storage.path])
        defer { again.close() }
        let reopened = again.waitFor { $0.contains("Message (Enter sends") && $0.contains("openai/m7") }
        #expect(reopened.ok, "\(reopened.screen)")
        try again.type("more")
        try again.press("Enter")
        let cut = again.waitFor { $0.contains("second, cut") && $0.contains("[cut off at the token limit]") && $0.contains("idle") }
        #expect(cut.ok, "\(cut.screen)")
        let requests = server.requests(to: "/v1/chat/completions")
        #expect(requests.count == 2)
        #expect(requests.last?.jsonBody?["model"] as? String == "m7")
    }

    @Test func sigtermWhileStreamingKeepsThePartialReplyAndRestoresTheTerminal() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: (1...300).map { "piece\($0) " }, delay: 0.1))
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)
        try screen.type("stream please")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("piece2 ") }.ok)
        let pid = try #require(screen.pid)
        kill(pid, SIGTERM)
        let status = screen.exitStatus()
        #expect(status != nil)
        #expect(screen.alternateScreenIsOn() == false)
        let messages = try #require(try stored(screen).first).messages
        #expect(messages.last?.status == .interrupted)
        #expect(messages.last?.content.hasPrefix("piece1 piece2 ") == true)
    }

    /// `/export FILE` follows the rules of `-o`: a file that exists is only replaced after a yes,
    /// as `/save` asks (and `--force` is needed on the command line).
    @Test func exportNeverReplacesAFileWithoutAYes() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Pong."]))
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)
        try screen.type("Ping")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("Pong.") && $0.contains("idle") }.ok)

        let file = screen.home.url.appendingPathComponent("notes.md")
        try "mine\n".write(to: file, atomically: false, encoding: .utf8)
        try screen.expectReplaceAskedFirst("/export md \(file.path)", file: file, original: "mine\n", done: "exported to")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("Pong."))
        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)
    }

    /// `/lora FILE[:SCALE]` reloads the local model with the adapter, one for another model is
    /// refused in one line (the model stays as it was), and `/lora off` removes them.
    @Test func loraAdaptersAreAddedAndRemovedInTheChat() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let model = root.appendingPathComponent("Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        let adapter = root.appendingPathComponent("Storage/test-models/lora-q8_0.gguf").path
        let mismatch = root.appendingPathComponent("Storage/test-models/lora-mismatch.gguf").path
        guard FileManager.default.fileExists(atPath: adapter) else {
            Issue.record("\(adapter) is missing; make it with scripts/make-test-models.sh")
            return
        }
        // Wide: the notices name the adapters by their whole paths, as long as the checkout's.
        let screen = try TmuxScreen(["--gguf", model], width: 260)
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)
        try screen.type("/lora \(adapter):0.5")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("LoRA adapters:") && $0.contains("lora-q8_0.gguf:0.5") }.ok)
        try screen.type("/lora \(mismatch)")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("does not fit the model") }.ok)
        try screen.type("/lora off")
        try screen.press("Enter")
        #expect(screen.waitFor { $0.contains("LoRA adapters off") }.ok)
        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)
    }

    @Test func ctrlCTwiceOnAnIdleScreenQuits() throws {
        let server = try FaultServer()
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)
        try screen.press("C-c")
        #expect(screen.waitFor { $0.contains("press Ctrl-C again to quit") }.ok)
        try screen.press("C-c")
        #expect(screen.exitStatus() == 0)
        #expect(screen.alternateScreenIsOn() == false)
    }

    /// Without any model the chat's full screen offers to pull the default one; a "no" leaves
    /// the one command that pulls it, and nothing is fetched.
    @Test func theFirstRunWithoutAModelOffersToPullIt() throws {
        let screen = try TmuxScreen([])
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Pull it now?") && $0.contains("smollm2-135m") }.ok, "\(screen.screen())")
        #expect(screen.alternateScreenIsOn())
        try screen.type("n")
        #expect(screen.exitStatus() == 1)
        let text = screen.screen()
        #expect(text.contains("parley models pull smollm2-135m"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: screen.storage.appendingPathComponent("models").path))
    }

    @Test func termUnsetOrUnknownGivesAClearMessage() throws {
        let unset = try TmuxScreen(["--base-url", "http://127.0.0.1:9/v1"], environment: ["TERM": nil])
        defer { unset.close() }
        #expect(unset.exitStatus() == 1)
        #expect(unset.screen().contains("TERM is not set"))
        let unknown = try TmuxScreen(["--base-url", "http://127.0.0.1:9/v1"], environment: ["TERM": "no-such-terminal-xyz"])
        defer { unknown.close() }
        #expect(unknown.exitStatus() == 1)
        let text = unknown.screen()
        #expect(text.contains("'no-such-terminal-xyz'"), "\(text)")
        #expect(text.contains("parley ask"))
    }

    @Test func aNonUTF8LocaleFallsBackToCUTF8() throws {
        let server = try FaultServer()
        let screen = try TmuxScreen(["--base-url", server.baseURL.absoluteString, "--model", "m1"], environment: ["LANG": "C", "LC_ALL": "C"])
        defer { screen.close() }
        let shown = screen.waitFor { $0.contains("is not UTF-8; using C.UTF-8") }
        #expect(shown.ok, "\(shown.screen)")
        try screen.type("日本")
        #expect(screen.waitFor { $0.contains("› 日本") }.ok)
        try screen.press("C-u", "C-d")
        #expect(screen.exitStatus() == 0)
    }

    @Test func notATerminalSuggestsAsk() throws {
        let home = try StoreTemporaryDirectory("tui-e2e")
        defer { home.remove() }
        let process = Process()
        process.executableURL = TmuxScreen.binary
        process.arguments = ["--base-url", "http://127.0.0.1:9/v1"]
        process.environment = ["HOME": home.url.path, "PARLEY_HOME": home.url.path, "TERM": "xterm", "LANG": "C.UTF-8"]
        let errors = Pipe()
        process.standardOutput = Pipe()
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(String(decoding: data, as: UTF8.self).contains("parley ask"))
    }
}
