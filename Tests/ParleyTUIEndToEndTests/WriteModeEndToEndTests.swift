import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// Write mode on the real chat screen in tmux against the fault server: `/write slogan`, the form,
/// the draft streaming into the panel, a revision, paging and diffing versions, `/save` with its
/// overwrite question, and what ends up on disk; then reopening the conversation brings the draft back.
@Suite("Write mode in tmux", .heavy, .serialized)
struct WriteModeEndToEndTests {
    /// Slogans come as JSON (the template's schema); the program numbers them. Both answers pass
    /// the checks (five slogans that name the cup; the second has fewer words), so each is asked once.
    static let first = "1. Sip smarter.\n2. Cup, reuse, repeat.\n3. Reusable coffee, zero waste.\n4. Your cup, every day.\n5. Coffee tastes better reused."
    static let second = "1. Sip smarter.\n2. Reusable coffee cup.\n3. Cup, reuse.\n4. Coffee, reused.\n5. Your cup."

    @Test func writeReviseSaveQuitAndReopen() throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions",
            .openAIStream(
                pieces: ["{\"items\": [\"Sip smarter.\", ", "\"Cup, reuse, repeat.\", \"Reusable coffee, zero waste.\", ",
                         "\"Your cup, every day.\", \"Coffee tastes better reused.\"]}"], delay: 0.05),
            .openAIStream(
                pieces: ["{\"items\": [\"Sip smarter.\", \"Reusable coffee cup.\", ", "\"Cup, reuse.\", \"Coffee, reused.\", \"Your cup.\"]}"],
                delay: 0.05))
        let arguments = ["--base-url", server.baseURL.absoluteString, "--model", "m1"]
        let screen = try TmuxScreen(arguments)
        defer { screen.close() }
        #expect(screen.waitFor { $0.contains("Message (Enter sends") }.ok)

        // The form: the template's fields with the default filled in, then the controls.
        try screen.type("/write slogan")
        try screen.press("Enter")
        let form = screen.waitFor { $0.contains("Write · slogan") && $0.contains("The product or brand *") }
        #expect(form.ok, "\(form.screen)")
        #expect(form.screen.contains("How many options") && form.screen.contains("playful"))
        // Submitting without the required field says which one and sends nothing.
        try screen.press("C-s")
        let refused = screen.waitFor { $0.contains("required: “The product or brand”") }
        #expect(refused.ok, "\(refused.screen)")
        #expect(server.requests(to: "/v1/chat/completions").isEmpty)
        try screen.type("a reusable coffee cup")
        try screen.press("C-s")

        // The draft streams into the panel beside the chat.
        let first = screen.waitFor { $0.contains("version 1 of 1") && $0.contains("2. Cup, reuse, repeat.") && $0.contains("idle") }
        #expect(first.ok, "\(first.screen)")
        #expect(first.screen.contains("│ Draft"))

        // A message is a revision request: version 2.
        try screen.type("shorter")
        try screen.press("Enter")
        let second = screen.waitFor { $0.contains("version 2 of 2") && $0.contains("idle") }
        #expect(second.ok, "\(second.screen)")

        // Alt-PgUp shows version 1; /diff 1 2 shows what changed.
        try screen.press("M-PageUp")
        #expect(screen.waitFor { $0.contains("version 1 of 2") }.ok)
        try screen.type("/diff 1 2")
        try screen.press("Enter")
        let diff = screen.waitFor { $0.contains("changes from version 1 to 2") && $0.contains("- 2. Cup, reuse, repeat.") }
        #expect(diff.ok, "\(diff.screen)")
        try screen.press("M-PageDown")
        #expect(screen.waitFor { $0.contains("version 2 of 2") }.ok)

        // /save onto an existing file asks first: n leaves it, y replaces it.
        let file = screen.home.url.appendingPathComponent("slogans.txt")
        try "old text\n".write(to: file, atomically: true, encoding: .utf8)
        try screen.expectReplaceAskedFirst("/save \(file.path)", file: file, original: "old text\n", done: "saved the draft to")
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.second + "\n")

        try screen.press("C-d")
        #expect(screen.exitStatus() == 0)
        #expect(screen.alternateScreenIsOn() == false)

        // On disk: one draft with both versions, in the one write-mode conversation holding both exchanges.
        let draftFiles = screen.draftFiles()
        #expect(draftFiles.count == 1)
        let draftFile = try #require(draftFiles.first)
        let draft = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: draftFile)) as? [String: Any])
        let versions = try #require(draft["versions"] as? [[String: Any]])
        #expect(versions.map { $0["text"] as? String } == [Self.first, Self.second])
        #expect(versions.map { $0["instruction"] as? String }.last == "shorter")
        #expect(draft["currentIndex"] as? Int == 1)
        let conversations = try screen.conversationFiles().map { try ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: $0)) }
        #expect(conversations.count == 1)
        let conversation = try #require(conversations.first)
        #expect(draft["conversationId"] as? String == conversation.id)
        #expect(conversation.mode == .write)
        try #require(conversation.messages.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(conversation.messages[0].content.hasPrefix("Write 5 different slogans for a reusable coffee cup."))
        // The history holds the text shown, not the JSON.
        #expect(conversation.messages[1].content == Self.first)
        #expect(conversation.messages[3].content == Self.second)
        // The revision request carried the version shown (1) and the change asked for.
        let requests = server.requests(to: "/v1/chat/completions")
        #expect(requests.count == 2)
        let revision = try #require((requests.last?.jsonBody?["messages"] as? [[String: String]])?.last?["content"])
        // Slogans are revised as the JSON they were laid out from, under the schema again.
        #expect(revision.contains(#""Cup, reuse, repeat.""#) && revision.contains("shorter"))
        #expect(requests.last?.jsonBody?["response_format"] != nil)

        // Reopening the conversation brings the draft back into the panel.
        let reopened = try TmuxScreen(arguments + ["--continue"], sharing: screen)
        defer { reopened.close() }
        let back = reopened.waitFor { $0.contains("version 2 of 2") && $0.contains("│ Draft") }
        #expect(back.ok, "\(back.screen)")
        try reopened.type("/mode chat")
        try reopened.press("Enter")
        #expect(reopened.waitFor { !$0.contains("│ Draft") && $0.contains("mode: chat") }.ok)
        try reopened.press("C-d")
        #expect(reopened.exitStatus() == 0)
    }
}
