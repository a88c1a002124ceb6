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

@Suite("Concurrent writers and locks", .heavy)
struct ConcurrencyTests {
    @Test func manyThreadsAppendingLoseNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "shared", messages: []))
        let threads = 8
        let perThread = 25
        let failures = DiagnosticsRecorder()
        let root = fixture.root
        let shared = fixture.store
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            do {
                // Half the threads share one store, half open their own, as separate processes would.
                let store = t % 2 == 0 ? shared : try ConversationStore(root: root, diagnostics: { _ in })
                for i in 0..<perThread {
                    try store.update(id: "shared") { $0.messages.append(Message(role: .user, content: "t\(t)-\(i)")) }
                }
            } catch {
                failures.sink("thread \(t): \(error)")
            }
        }
        #expect(failures.all.isEmpty)
        let contents = try fixture.store.load(id: "shared").conversation.messages.map(\.content)
        #expect(contents.count == threads * perThread)
        for t in 0..<threads {
            let mine = contents.filter { $0.hasPrefix("t\(t)-") }
            #expect(mine == (0..<perThread).map { "t\(t)-\($0)" })
        }
    }

    @Test func twoProcessesAppendingLoseNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "shared", messages: []))
        let count = 40
        let a = try HelperProcess(["append", fixture.root.path, "shared", "\(count)", "A"], stderrIn: fixture.root)
        let b = try HelperProcess(["append", fixture.root.path, "shared", "\(count)", "B"], stderrIn: fixture.root)
        #expect(a.readLine() == "done", "\(a.stderrText)")
        #expect(b.readLine() == "done", "\(b.stderrText)")
        #expect(a.wait() == 0)
        #expect(b.wait() == 0)
        let contents = try fixture.store.load(id: "shared").conversation.messages.map(\.content)
        #expect(contents.count == 2 * count)
        #expect(contents.filter { $0.hasPrefix("A-") } == (0..<count).map { "A-\($0)" })
        #expect(contents.filter { $0.hasPrefix("B-") } == (0..<count).map { "B-\($0)" })
    }

    @Test func aLockLeftByAKilledProcessIsTakenOverWithANotice() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", messages: ["before"]))
        let holder = try HelperProcess(["hold-lock", fixture.root.path, "c1"], stderrIn: fixture.root)
        #expect(holder.readLine() == "locked", "\(holder.stderrText)")
        let pid = holder.pid
        // While the holder lives, the lock is really taken.
        #expect(try FileLock.tryAcquire(fixture.layout.conversationLock("c1"), diagnostics: { _ in }) == nil)
        holder.killNow()

        try fixture.store.update(id: "c1") { $0.messages.append(Message(role: .user, content: "after")) }
        #expect(fixture.diagnostics.contains("took over a lock left by dead process \(pid)"))
        #expect(try fixture.store.load(id: "c1").conversation.messages.map(\.content) == ["before", "after"])
        // A cleanly released lock is not reported again.
        let noticesBefore = fixture.diagnostics.all.count
        try fixture.store.update(id: "c1") { $0.title = "again" }
        #expect(fixture.diagnostics.all.count == noticesBefore)
    }

    @Test func locksExcludeEachOtherWithinOneProcess() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let url = fixture.layout.conversationLock("x")
        let first = try #require(try FileLock.tryAcquire(url, diagnostics: { _ in }))
        #expect(try FileLock.tryAcquire(url, diagnostics: { _ in }) == nil)
        first.release()
        let second = try FileLock.tryAcquire(url, diagnostics: { _ in })
        #expect(second != nil)
        #expect(mode(of: url) == 0o600)
    }
}
