#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyTestSupport
import ParleyTestThreads
import Testing

@testable import ParleyStore

/// SIGKILL at random moments: every file must stay whole, and everything acknowledged must survive.
@Suite("SIGKILL while streaming and while saving", .heavy, .serialized)
struct CrashTests {
    /// What one killed run acknowledged before it died.
    struct Run {
        var id: String
        var ackedBytes: Int
        var acks: Int
        var pid: Int32
    }

    /// Reads acks until `wanted` have arrived, waits a random moment, kills, then reads what the
    /// process had already written to the pipe (acks that were printed were durable).
    static func runAndKill(_ helper: HelperProcess, wanted: Int, maxDelayMicroseconds: UInt32) -> (acks: Int, last: Int) {
        var acks = 0
        var last = 0
        while acks < wanted, let line = helper.readLine() {
            if line.hasPrefix("ack "), let n = Int(line.dropFirst(4)) {
                acks += 1
                last = n
            }
        }
        if maxDelayMicroseconds > 0 { usleep(UInt32.random(in: 0...maxDelayMicroseconds)) }
        helper.killNow()
        while let line = helper.readLine() {
            if line.hasPrefix("ack "), let n = Int(line.dropFirst(4)) {
                acks += 1
                last = n
            }
        }
        return (acks, last)
    }

    /// The reply text made of whole chunks that is exactly `content`, if there is one.
    static func isWholeChunkPrefix(_ content: String) -> Bool {
        var text = ""
        var k = 0
        while text.utf8.count < content.utf8.count {
            text += StoreReplyText.chunk(k)
            k += 1
        }
        return text == content
    }

    @Test func killedWhileStreamingKeepsEveryAcknowledgedCheckpoint() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var runs: [Run] = []
        // Two writers at a time (different conversations, one root), each killed at its own moment.
        for pair in 0..<25 {
            let ids = ["stream-\(pair)-a", "stream-\(pair)-b"]
            let helpers = try ids.map { try HelperProcess(["stream", fixture.root.path, $0], stderrIn: fixture.root) }
            for (id, helper) in zip(ids, helpers) {
                let (acks, last) = Self.runAndKill(helper, wanted: Int.random(in: 1...12), maxDelayMicroseconds: 3000)
                #expect(acks >= 1, "\(id) acknowledged nothing: \(helper.stderrText)")
                runs.append(Run(id: id, ackedBytes: last, acks: acks, pid: helper.pid))
            }
        }

        let diagnostics = DiagnosticsRecorder()
        let store = try ConversationStore(root: fixture.root, diagnostics: diagnostics.sink)
        for run in runs {
            let conversation = try store.load(id: run.id).conversation
            #expect(conversation.messages.count == 2, "\(run.id)")
            let user = try #require(conversation.messages.first)
            #expect(user.role == .user && user.content == "Tell me a long story 请")
            let reply = try #require(conversation.messages.first { $0.id == "reply" })
            #expect(reply.status == .interrupted, "\(run.id)")
            #expect(reply.content.utf8.count >= run.ackedBytes, "\(run.id): kept \(reply.content.utf8.count) of \(run.ackedBytes) acknowledged bytes")
            #expect(Self.isWholeChunkPrefix(reply.content), "\(run.id): content is not what was written")
        }
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
        let left = fixture.names(in: fixture.layout.conversations)
        #expect(left.filter { $0.hasSuffix(".inflight.json") || $0.hasPrefix(".") }.isEmpty, "\(left)")
        #expect(try store.list().count == runs.count)
        #expect(diagnostics.all.filter { $0.contains("recovered an interrupted reply") }.count == runs.count)
    }

    /// Killed at any moment from the very start (maybe inside `create` or `beginReply`): whatever
    /// exists afterwards is whole.
    @Test func killedAtAnyMomentLeavesOnlyWholeFiles() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var ids: [String] = []
        for n in 0..<15 {
            let id = "early-\(n)"
            let helper = try HelperProcess(["stream", fixture.root.path, id], stderrIn: fixture.root)
            usleep(UInt32.random(in: 0...40_000))
            helper.killNow()
            ids.append(id)
        }
        let store = try ConversationStore(root: fixture.root, diagnostics: { _ in })
        for id in ids {
            do {
                let conversation = try store.load(id: id).conversation
                #expect(conversation.messages.first?.content == "Tell me a long story 请")
                #expect(conversation.messages.allSatisfy { $0.status != .streaming })
                if let reply = conversation.messages.first(where: { $0.id == "reply" }) {
                    #expect(Self.isWholeChunkPrefix(reply.content))
                }
            } catch StoreError.notFound {
                continue  // killed before the conversation was created
            }
        }
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
    }

    @Test func killedWhileSavingLeavesWholeFilesWithEveryAcknowledgedMessage() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var runs: [Run] = []
        for n in 0..<15 {
            let id = "save-\(n)"
            let helper = try HelperProcess(["save-loop", fixture.root.path, id], stderrIn: fixture.root)
            let (acks, _) = Self.runAndKill(helper, wanted: Int.random(in: 1...20), maxDelayMicroseconds: 4000)
            runs.append(Run(id: id, ackedBytes: 0, acks: acks, pid: helper.pid))
        }
        let store = try ConversationStore(root: fixture.root, diagnostics: { _ in })
        for run in runs {
            let data = try Data(contentsOf: StoreLayout(root: fixture.root).conversationFile(run.id))
            #expect(throws: Never.self) { _ = try ConversationCoding.decode(data) }
            let messages = try store.load(id: run.id).conversation.messages
            #expect(messages.count >= run.acks, "\(run.id)")
            #expect(messages.map(\.content) == (0..<messages.count).map { "message \($0) 消息" })
        }
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
        #expect(fixture.names(in: fixture.layout.conversations).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
