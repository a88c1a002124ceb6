import Foundation
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// The size caps from the command line and the config file, end to end.
@Suite("Size caps end to end", .heavy)
struct SizeCapCommandTests {
    @Test func standardInputOverTheInputCapIsRefusedAtOnce() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["ok"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let start = Date()
        let result = try runner.run(
            ["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "Summarise:"],
            stdin: String(repeating: "x", count: 3 << 20))
        #expect(result.status == 1)
        #expect(result.stderr.contains("1 MiB") && result.stderr.contains("max_input_bytes"), "\(result.stderr)")
        #expect(server.requests(to: "/v1/chat/completions").isEmpty)
        #expect(runner.conversationFiles().isEmpty)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func theReplyCapFlagCutsTheReplyWithANote() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: Array(repeating: String(repeating: "z", count: 512), count: 8)))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(
            ["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "--max-reply-bytes", "1024", "go"])
        #expect(result.status == 1)
        #expect(result.stdout == String(repeating: "z", count: 1024) + "\n")
        #expect(result.stderr.contains("1 KiB") && result.stderr.contains("max_reply_bytes"), "\(result.stderr)")
    }

    @Test func theConfigSetsTheInputCap() throws {
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["ok"]))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let config = runner.home.url.appendingPathComponent("caps.toml")
        try "[defaults]\nmax_input_bytes = 2048\nmax_reply_bytes = 65536\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try runner.run(
            ["ask", "--config", config.path, "--base-url", server.baseURL.absoluteString, "--model", "m",
             String(repeating: "w", count: 3000)])
        #expect(result.status == 1)
        #expect(result.stderr.contains("2 KiB"), "\(result.stderr)")
        #expect(server.requests(to: "/v1/chat/completions").isEmpty)
    }
}
