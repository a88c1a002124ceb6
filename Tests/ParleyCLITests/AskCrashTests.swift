import Foundation
import ParleyCore
import ParleyStore
import ParleyTestSupport
import ParleyTestThreads
import Testing

/// SIGKILL `parley ask` itself while it streams from the test server: after a restart the question
/// and the reply shown so far are on disk, the reply marked interrupted.
@Suite("parley ask killed mid-stream", .heavy)
struct AskCrashTests {
    /// The stream: 600 numbered pieces, one every 5 ms (3 s in all, longer on a loaded machine).
    static let pieces = (0..<600).map { "w\($0) " }
    /// The promise is "on disk within a second"; the test allows twice that, because a shared
    /// machine under heavy load can delay a process or an fsync for longer than the promise itself.
    /// Text shown that long before the kill can only be on disk through the streaming checkpoints:
    /// the reply is folded into the conversation only when the stream ends, after the kill.
    static let allowedLag = 2.0
    static let fullText = pieces.joined()

    @Test func killedAtRandomMomentsLosesNothingShownBeforeTheLastCheckpoint() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let server = try FaultServer()
            server.route("POST", "/v1/chat/completions", .openAIStream(pieces: AskCrashTests.pieces, delay: 0.005))
            let runner = try ParleyRunner()
            defer { runner.remove() }
            let running = try runner.start(["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "count for me"])
            // Snapshots of what the user has seen, with the time they saw it.
            var seen: [(at: Date, text: String)] = []
            #expect(running.waitForStdout { !$0.isEmpty }, "round \(round): no output")
            let start = Date()
            let killAfter = Double.random(in: 2.2...2.8, using: &generator)
            while Date().timeIntervalSince(start) < killAfter {
                seen.append((Date(), running.stdout))
                usleep(10_000)
            }
            running.signal(SIGKILL)
            let result = running.finish()
            #expect(result.signalled)
            let killedAt = Date()

            // Restart: open the store as the next parley run would.
            let notices = NoticeLog()
            let store = try ConversationStore(root: runner.storage, diagnostics: { notices.append($0) })
            let list = try store.list()
            #expect(list.count == 1, "round \(round)")
            let conversation = try store.load(id: try #require(list.first).id).conversation
            #expect(conversation.messages.first?.content == "count for me")
            let reply = try #require(conversation.messages.last)
            #expect(reply.role == .assistant)
            #expect(reply.status == .interrupted)
            #expect(AskCrashTests.fullText.hasPrefix(reply.content), "round \(round): stored text is not what was streamed")
            let acknowledged = seen.last { killedAt.timeIntervalSince($0.at) >= AskCrashTests.allowedLag }?.text ?? ""
            #expect(!acknowledged.isEmpty, "round \(round): nothing was shown early enough to check")
            #expect(reply.content.hasPrefix(acknowledged), "round \(round): lost text shown over a second before the kill")
            #expect(reply.content.count >= acknowledged.count)
            // Every file in the store still parses.
            for file in runner.conversationFiles() {
                #expect((try? ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: file))) != nil)
            }
        }
    }

    @Test func killedWhileStartingLeavesOnlyParsableFiles() throws {
        var generator = SystemRandomNumberGenerator()
        let server = try FaultServer()
        server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["a", "b", "c"], delay: 0.002))
        let runner = try ParleyRunner()
        defer { runner.remove() }
        for _ in 0..<15 {
            let running = try runner.start(["ask", "--base-url", server.baseURL.absoluteString, "--model", "m", "hi"])
            usleep(UInt32.random(in: 0...60_000, using: &generator))
            running.signal(SIGKILL)
            _ = running.finish()
        }
        let store = try ConversationStore(root: runner.storage, diagnostics: { _ in })
        for summary in try store.list() {
            let conversation = try store.load(id: summary.id).conversation
            #expect(conversation.messages.first?.content == "hi")
            #expect(conversation.messages.allSatisfy { $0.status != .streaming })
        }
        for file in runner.conversationFiles() {
            #expect((try? ParleyJSON.decoder().decode(Conversation.self, from: Data(contentsOf: file))) != nil)
        }
        let quarantined = (try? FileManager.default.contentsOfDirectory(atPath: runner.storage.appendingPathComponent("quarantine").path)) ?? []
        #expect(quarantined.isEmpty)
    }
}

final class NoticeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ line: String) { lock.withLock { items.append(line) } }
    var all: [String] { lock.withLock { items } }
}
