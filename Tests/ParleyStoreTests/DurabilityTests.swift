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

@Suite("Atomic writes, permissions, leftover temp files", .heavy)
struct DurabilityTests {
    static let failingSync = FileSync(sync: { _ in
        errno = EIO
        return -1
    })

    @Test func failedFsyncFailsTheSaveAndKeepsTheOldFile() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1", messages: ["keep me"]))
        let before = try fixture.bytes("c1")
        let failing = try fixture.reopen(fileSync: Self.failingSync)

        do {
            try failing.update(id: "c1") { $0.messages.append(Message(role: .user, content: "lost")) }
            Issue.record("update succeeded although fsync failed")
        } catch let error as StoreError {
            guard case .writeFailed(let file, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(file.hasSuffix("c1.json"))
            #expect(reason.contains("fsync"))
        }
        #expect(try fixture.bytes("c1") == before)
        #expect(fixture.names(in: fixture.layout.conversations) == ["c1.json"])
        #expect(try fixture.store.load(id: "c1").conversation.messages.map(\.content) == ["keep me"])
    }

    @Test func failedFsyncFailsACheckpointAndKeepsThePreviousOne() throws {
        let switchable = SwitchableSync()
        let fixture = try StoreFixture(fileSync: switchable.fileSync)
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "c1"))
        let checkpoint = try fixture.store.beginReply(conversationID: "c1", messageID: "r")
        try checkpoint.write(content: "first part", reasoning: nil)
        let side = fixture.layout.inflightFile("c1")
        let before = try Data(contentsOf: side)

        switchable.failing = true
        #expect(throws: StoreError.self) { try checkpoint.write(content: "first part, second", reasoning: nil) }
        #expect(try Data(contentsOf: side) == before)
        #expect(fixture.names(in: fixture.layout.conversations) == ["c1.inflight.json", "c1.json"])

        switchable.failing = false
        try checkpoint.finish { $0.status = .complete }
        let reply = try #require(try fixture.store.load(id: "c1").conversation.messages.last)
        #expect(reply.content == "first part")
        #expect(reply.status == .complete)
    }

    @Test func createWithFailingFsyncLeavesNoFile() throws {
        let fixture = try StoreFixture(fileSync: Self.failingSync)
        defer { fixture.remove() }
        #expect(throws: StoreError.self) { try fixture.store.create(sampleConversation(id: "c1")) }
        #expect(fixture.names(in: fixture.layout.conversations).isEmpty)
    }

    /// The helper runs under umask 000 and writes every kind of file the store makes.
    @Test func everythingIsPrivateUnderUmaskZero() throws {
        let directory = try StoreTemporaryDirectory()
        defer { directory.remove() }
        let root = directory.url.appendingPathComponent("root")
        let helper = try HelperProcess(["umask-zero", root.path], stderrIn: directory.url)
        #expect(helper.readLine() == "done")
        #expect(helper.wait() == 0, "\(helper.stderrText)")

        let layout = StoreLayout(root: root)
        let expectedFiles = [
            layout.conversationFile("kept"), layout.inflightFile("kept"), layout.index, layout.trashFile("binned"),
            layout.quarantine.appendingPathComponent("broken.json"), layout.conversationLock("kept"),
            layout.streamLock("kept"),
        ]
        for file in expectedFiles {
            #expect(FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) missing")
        }
        var seen = 0
        let walker = try #require(FileManager.default.enumerator(atPath: root.path))
        #expect(mode(of: root) == 0o700)
        while let relative = walker.nextObject() as? String {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let expected: mode_t = isDirectory.boolValue ? 0o700 : 0o600
            #expect(mode(of: url) == expected, "\(relative) has mode \(String(mode(of: url), radix: 8))")
            seen += 1
        }
        #expect(seen >= expectedFiles.count + 4)
    }

    /// An existing directory is the user's (or everyone's, like /tmp): never chmodded, only the
    /// directories the store creates in it are private (see ForeignFileTests for the warning).
    @Test func anExistingLooseRootIsLeftAsItIs() throws {
        let directory = try StoreTemporaryDirectory()
        defer { directory.remove() }
        let root = directory.url.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        chmod(root.path, 0o755)
        _ = try ConversationStore(root: root, diagnostics: { _ in })
        #expect(mode(of: root) == 0o755)
        #expect(mode(of: root.appendingPathComponent("conversations")) == 0o700)
    }

    @Test func leftoverTempFilesOfDeadProcessesAreRemovedLiveOnesKept() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let dead = try deadPID()
        let conversations = fixture.layout.conversations
        let deadInConversations = conversations.appendingPathComponent(TempFileName.make(for: "c1.json", pid: dead))
        let deadInRoot = fixture.root.appendingPathComponent(TempFileName.make(for: "index.json", pid: dead))
        let live = conversations.appendingPathComponent(TempFileName.make(for: "c2.json", pid: getpid()))
        for file in [deadInConversations, deadInRoot, live] {
            try Data("{ half".utf8).write(to: file)
        }
        let diagnostics = DiagnosticsRecorder()
        let store = try ConversationStore(root: fixture.root, diagnostics: diagnostics.sink)
        #expect(!FileManager.default.fileExists(atPath: deadInConversations.path))
        #expect(!FileManager.default.fileExists(atPath: deadInRoot.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(diagnostics.contains("removed 2 leftover temp file"))
        #expect(try store.list().isEmpty)
    }

    @Test func tempFileNamesCarryThePid() {
        let name = TempFileName.make(for: "abc.json", pid: 4242)
        #expect(name.hasPrefix("."))
        #expect(TempFileName.pid(in: name) == 4242)
        #expect(TempFileName.pid(in: "abc.json") == nil)
        #expect(TempFileName.pid(in: ".parley-tmp-x-1-a.json") == nil)
        #expect(StoreLayout.conversationID(fromFileName: name) == nil)
    }
}



/// An fsync that can be made to fail from the test.
final class SwitchableSync: @unchecked Sendable {
    private let lock = NSLock()
    private var isFailing = false

    var failing: Bool {
        get { lock.withLock { isFailing } }
        set { lock.withLock { isFailing = newValue } }
    }

    var fileSync: FileSync {
        FileSync(sync: { [self] fd in
            if failing {
                errno = EIO
                return -1
            }
            return FileSync.system.sync(fd)
        })
    }
}
