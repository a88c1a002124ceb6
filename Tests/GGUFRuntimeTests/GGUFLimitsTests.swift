import Foundation
import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// What a user asks of a model file that the file cannot give: each a one-line error that names
/// the real problem, never "corrupt" for a good file, never a hang.
@Suite(.heavy) struct GGUFLimitsTests {
    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-fifo-\(UUID().uuidString).gguf").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let done = DispatchSemaphore(value: 0)
        let outcome = OpenOutcome()
        Thread.detachNewThread {
            do {
                _ = try GGUFFile(path: path)
                outcome.set("opened")
            } catch {
                outcome.set("\(error)")
            }
            done.signal()
        }
        if done.wait(timeout: .now() + 3) == .timedOut {
            // Release the blocked open so the thread can end.
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            _ = done.wait(timeout: .now() + 3)
            Issue.record("opening a FIFO blocked")
        }
        #expect(outcome.value.contains("not a regular file"), "\(outcome.value)")
    }

    @Test func aContextBeyondTheRuntimeIsNotBlamedOnTheFile() throws {
        var w = LlamaModelLoadTests.tinyModel()
        let file = try GGUFFile(bytes: w.bytes())
        do {
            _ = try LlamaModel(file: file, contextLength: 10_000_000, threads: 1)
            Issue.record("accepted a context of 10,000,000 tokens")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("corrupt") && !text.contains("re-download"), "\(text)")
            #expect(text.contains("10000000") && text.contains("context"), "\(text)")
        }
    }
}

/// Written by the opening thread, read by the test.
private final class OpenOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var value: String { lock.withLock { text } }
    func set(_ value: String) { lock.withLock { text = value } }
}
