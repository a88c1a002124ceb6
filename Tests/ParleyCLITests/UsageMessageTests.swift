import Foundation
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// Options and files that cannot work get one correct line each, naming what is wrong.
@Suite("Usage messages", .heavy)
struct UsageMessageTests {
    static let model = GGUFCommandTests.model

    @Test func aMissingPersonaDirectoryIsNotCalledAConfigFile() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["personas", "list", "--personas", "/nonexistent-parley-dir"])
        #expect(result.status != 0)
        #expect(!result.stderr.contains("config file"), "\(result.stderr)")
        #expect(result.stderr.contains("--personas") && result.stderr.contains("/nonexistent-parley-dir"), "\(result.stderr)")
    }

    @Test func anEmptyStorageOptionIsAnError() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["history", "list", "--storage", ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--storage"), "\(result.stderr)")
    }

    @Test func anAbsurdMaxTokensIsNamed() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["ask", "--no-save", "--gguf", Self.model, "--max-tokens", "99999999999999", "hi"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--max-tokens"), "\(result.stderr)")
        #expect(!result.stderr.contains("0 are available"), "\(result.stderr)")
    }

    @Test func aHugeBenchPromptIsNotBlamedOnTheModelFile() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let result = try runner.run(["bench", Self.model, "-p", "100000000", "-n", "0", "-r", "1"])
        #expect(result.status != 0)
        #expect(!result.stderr.contains("corrupt"), "\(result.stderr)")
        #expect(result.stderr.contains("100000000"), "\(result.stderr)")
    }

    @Test func ggufInfoOnAFIFOEndsAtOnce() throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let fifo = runner.home.url.appendingPathComponent("model.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let running = try runner.start(["gguf", "info", fifo])
        let deadline = Date().addingTimeInterval(5)
        while running.process.isRunning && Date() < deadline { usleep(10_000) }
        if running.process.isRunning {
            running.signal(SIGKILL)
            Issue.record("gguf info blocked on a FIFO")
        }
        let result = running.finish()
        #expect(result.stderr.contains("not a regular file"), "\(result.stderr)")
    }
}
