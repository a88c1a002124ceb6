import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// Feedback as a person gives it: the chat screen in tmux against the test server (/retry twice,
/// /prefer 2, /rate down, /ideal through a real editor process), then the conversation file and
/// every export format of `parley feedback export`.
@Suite("Feedback in the chat screen, end to end", .heavy, .serialized)
struct FeedbackEndToEndTests {
    /// What went wrong, gathered on the work's own thread and reported on the test's.
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [String] = []

        func check(_ ok: Bool, _ what: @autoclosure () -> String) {
            guard !ok else { return }
            let text = what()
            lock.withLock { failures.append(text) }
        }

        var all: [String] { lock.withLock { failures } }
    }

    @Test func retryPreferRateIdealThenTheFileAndEveryExport() async throws {
        let findings = Findings()
        let outcome = await OwnThread.run { Result { try Self.run(findings) } }
        try outcome.get()
        for failure in findings.all { Issue.record(Comment(rawValue: failure)) }
    }

    static func run(_ findings: Findings) throws {
        let server = try FaultServer()
        server.route(
            "POST", "/v1/chat/completions", .openAIStream(pieces: ["Red."]), .openAIStream(pieces: ["Blue."]),
            .openAIStream(pieces: ["Green."]))
        let home = try StoreTemporaryDirectory("feedback-e2e")
        defer { home.remove() }
        // The editor /ideal opens: writes the wanted answer over the file it is given.
        let editor = home.url.appendingPathComponent("write-ideal.sh")
        try ScriptFile.write("#!/bin/sh\nprintf 'Teal, like the sea.\\n' > \"$1\"\n", to: editor)

        let screen = try TmuxScreen(
            ["--base-url", server.baseURL.absoluteString, "--model", "m1"], environment: ["EDITOR": editor.path, "VISUAL": nil])
        defer { screen.close() }
        func step(_ command: String, timeout: Double = 60, until condition: @escaping (String) -> Bool, _ what: String) throws {
            try screen.type(command)
            try screen.press("Enter")
            let seen = screen.waitFor(timeout: timeout, condition)
            findings.check(seen.ok, "\(what):\n\(seen.screen)")
        }
        findings.check(screen.waitFor { $0.contains("Message (Enter sends") }.ok, "the screen did not start")
        try step("Name a colour", until: { $0.contains("Red.") && $0.contains("idle") }, "the first reply")
        try step("/retry", until: { $0.contains("Blue.") && $0.contains("‹2/2›") && $0.contains("idle") }, "the first retry")
        try step("/retry", until: { $0.contains("Green.") && $0.contains("‹3/3›") && $0.contains("idle") }, "the second retry")
        try step("/prefer 2", until: { $0.contains("Blue.") && $0.contains("‹2/3›  ✓chosen") }, "/prefer 2")
        // The newest version, paged back to, is rated down and corrected.
        try screen.press("M-Right")
        findings.check(screen.waitFor { $0.contains("Green.") && $0.contains("‹3/3›  ✗rejected") }.ok, "paging to version 3")
        try step("/rate down too dull", until: { $0.contains("‹3/3›  -1 ✗rejected") && $0.contains("rated version 3") }, "/rate down")
        // The editor is a process of its own, started with the terminal handed over: on a loaded
        // machine that took longer than the other steps' 15 s (seen once in a full parallel run).
        try step("/ideal", timeout: 60, until: { $0.contains("‹3/3›  -1 ✗rejected ✎ideal") && $0.contains("saved your ideal answer") }, "/ideal")
        findings.check(screen.alternateScreenIsOn(), "the screen did not come back after the editor")
        try screen.press("C-d")
        findings.check(screen.exitStatus() == 0, "parley did not quit cleanly")

        // The conversation file.
        let files = screen.conversationFiles()
        findings.check(files.count == 1, "conversation files: \(files)")
        guard let file = files.first else { return }
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        findings.check((attributes[.posixPermissions] as? Int) == 0o600, "the file is not private: \(attributes)")
        let text = try String(contentsOf: file, encoding: .utf8)
        findings.check(text.contains("\"schemaVersion\" : 2"), "schema: \(text)")
        let conversation = try ParleyJSON.decoder().decode(Conversation.self, from: Data(text.utf8))
        let reply = conversation.messages.last
        findings.check(conversation.messages.map(\.role) == [.user, .assistant], "messages: \(conversation.messages)")
        findings.check(reply?.alternatives == ["Red.", "Blue.", "Green."], "versions: \(String(describing: reply?.alternatives))")
        findings.check(reply?.content == "Green.", "shown: \(String(describing: reply?.content))")
        let feedback = reply?.feedback
        findings.check(feedback?.preferredVersion == 2, "preferred: \(String(describing: feedback))")
        findings.check(
            feedback?.ratings.map { "\($0.version) \($0.rating) \($0.note ?? "")" } == ["3 down too dull"], "ratings: \(String(describing: feedback))")
        findings.check(feedback?.ideal?.content == "Teal, like the sea." && feedback?.ideal?.version == 3, "ideal: \(String(describing: feedback))")

        // Every export format: the rows, each with the persona's system prompt and the question.
        let expected: [(format: String, rows: Int, columns: Set<String>)] = [
            ("sft", 2, ["messages"]), ("openai-sft", 2, ["messages"]), ("dpo", 3, ["prompt", "chosen", "rejected"]),
            ("openai-dpo", 3, ["input", "preferred_output", "non_preferred_output"]), ("kto", 4, ["prompt", "completion", "label"]),
        ]
        for (format, count, columns) in expected {
            let output = home.url.appendingPathComponent("\(format).jsonl")
            let result = try runParley(["feedback", "export", "--format", format, "-o", output.path], storage: screen.storage, home: home.url)
            findings.check(result.status == 0, "export \(format): \(result.stderr)")
            let lines = ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n")
            findings.check(lines.count == count, "\(format): \(lines.count) rows, not \(count)")
            for line in lines {
                let row = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                findings.check(Set(row.keys) == columns, "\(format) columns: \(line)")
                let prompt = (row["messages"] ?? row["prompt"] ?? (row["input"] as? [String: Any])?["messages"]) as? [[String: Any]] ?? []
                findings.check(prompt.first?["role"] as? String == "system", "\(format) has no system prompt first: \(line)")
                findings.check(prompt.contains { $0["role"] as? String == "user" && $0["content"] as? String == "Name a colour" }, "\(format) lacks the question: \(line)")
            }
            // -o never replaces a file without --force.
            let again = try runParley(["feedback", "export", "--format", format, "-o", output.path], storage: screen.storage, home: home.url)
            findings.check(again.status != 0 && again.stderr.contains("--force"), "\(format) replaced without --force: \(again.stderr)")
        }
        let dpo = (try? String(contentsOf: home.url.appendingPathComponent("dpo.jsonl"), encoding: .utf8)) ?? ""
        for pair in [("Blue.", "Red."), ("Blue.", "Green."), ("Teal, like the sea.", "Green.")] {
            findings.check(
                dpo.contains("\"chosen\":[{\"content\":\"\(pair.0)\",\"role\":\"assistant\"}]")
                    && dpo.contains("\"rejected\":[{\"content\":\"\(pair.1)\",\"role\":\"assistant\"}]"), "dpo lacks \(pair): \(dpo)")
        }
    }

    struct Run {
        var status: Int32
        var stderr: String
    }

    /// Runs `parley ARGS` on the screen's storage, its output in files (never a pipe left open).
    static func runParley(_ arguments: [String], storage: URL, home: URL) throws -> Run {
        let err = home.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: err) }
        let process = Process()
        process.executableURL = TmuxScreen.binary
        process.arguments = arguments
        process.environment = [
            "HOME": home.path, "PARLEY_HOME": storage.path, "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8",
            "PATH": "/usr/bin:/bin",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
