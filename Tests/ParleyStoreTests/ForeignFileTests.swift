#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyStore

/// Files and directories that are not Parley's: a symlink planted where the store expects its own
/// file is reported and left alone, and whatever it points at (outside storage) is never truncated,
/// chmodded, moved or created. These tests run as root too: root ignores permission bits, but not
/// `O_NOFOLLOW`, so each one still proves its point there.
@Suite("Files that are not Parley's")
struct ForeignFileTests {
    /// A file outside storage that a planted link points at, with its bytes and mode.
    struct Victim {
        let directory: StoreTemporaryDirectory
        let url: URL
        let bytes = Data("precious, not Parley's\n".utf8)

        init() throws {
            directory = try StoreTemporaryDirectory("victim")
            url = directory.url.appendingPathComponent("victim.txt")
            try bytes.write(to: url)
            chmod(url.path, 0o644)
        }

        /// Fails the test when the victim's bytes or mode changed.
        func expectUntouched(_ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect((try? Data(contentsOf: url)) == bytes, comment, sourceLocation: sourceLocation)
            #expect(mode(of: url) == 0o644, comment, sourceLocation: sourceLocation)
        }

        func remove() { directory.remove() }
    }

    static func plantLink(at url: URL, to target: URL) throws {
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createSymbolicLink(at: url, withDestinationURL: target)
    }

    static func isSymlink(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    @Test func aLockLinkedOutsideIsNeitherTruncatedNorChmodded() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let victim = try Victim()
        defer { victim.remove() }
        try fixture.store.create(sampleConversation(id: "c1"))
        try Self.plantLink(at: fixture.layout.conversationLock("c1"), to: victim.url)

        #expect(throws: StoreError.self) { try fixture.store.trash(id: "c1") }
        #expect(throws: StoreError.self) { try fixture.store.update(id: "c1") { $0.title = "x" } }
        victim.expectUntouched()
        #expect(Self.isSymlink(fixture.layout.conversationLock("c1")))
        #expect(FileManager.default.fileExists(atPath: fixture.file("c1").path))
    }

    @Test func aDanglingLockLinkCreatesNothingOutside() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let outside = try StoreTemporaryDirectory("outside")
        defer { outside.remove() }
        let target = outside.url.appendingPathComponent("created-by-parley")
        try Self.plantLink(at: fixture.layout.conversationLock("c1"), to: target)

        #expect(throws: StoreError.self) { try fixture.store.create(sampleConversation(id: "c1")) }
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }

    @Test func aSymlinkedConversationFileIsReportedAndLeftAlone() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let victim = try Victim()
        defer { victim.remove() }
        try fixture.store.create(sampleConversation(id: "good"))
        let link = fixture.file("linked")
        try Self.plantLink(at: link, to: victim.url)

        #expect(try fixture.store.list().map(\.id) == ["good"])
        #expect(throws: StoreError.self) { try fixture.store.load(id: "linked") }
        #expect(throws: StoreError.self) { try fixture.store.trash(id: "linked") }
        victim.expectUntouched()
        #expect(Self.isSymlink(link))
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
        #expect(fixture.names(in: fixture.layout.trash).isEmpty)
        #expect(fixture.diagnostics.contains("linked.json is a symbolic link"))
    }

    @Test func aSymlinkedReplyCheckpointIsNotQuarantinedThroughItsLink() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let victim = try Victim()
        defer { victim.remove() }
        var conversation = sampleConversation(id: "c1")
        conversation.messages.append(Message(id: "r", role: .assistant, content: "", status: .streaming))
        try fixture.store.create(conversation)
        try Self.plantLink(at: fixture.layout.inflightFile("c1"), to: victim.url)

        _ = try fixture.store.load(id: "c1")
        victim.expectUntouched()
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
    }

    @Test func symlinkedIndexAndNewestRecordAreLeftAlone() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let victim = try Victim()
        defer { victim.remove() }
        try fixture.store.create(sampleConversation(id: "c1"))
        try Self.plantLink(at: fixture.layout.index, to: victim.url)
        try Self.plantLink(at: fixture.layout.newest, to: victim.url)

        #expect(try fixture.store.list().map(\.id) == ["c1"])
        #expect(try fixture.store.mostRecent()?.id == "c1")
        victim.expectUntouched()
        #expect(Self.isSymlink(fixture.layout.index))
        #expect(Self.isSymlink(fixture.layout.newest))
    }

    @Test func aSymlinkedDocumentIsReportedAndLeftAlone() throws {
        let directory = try StoreTemporaryDirectory("documents")
        defer { directory.remove() }
        let victim = try Victim()
        defer { victim.remove() }
        let diagnostics = DiagnosticsRecorder()
        let store = try DocumentStore<Note>(root: directory.url, folder: "notes", diagnostics: diagnostics.sink)
        let link = store.directory.appendingPathComponent("20240101-000000-aaaaaa.json")
        try Self.plantLink(at: link, to: victim.url)

        #expect(try store.list().isEmpty)
        #expect(throws: (any Error).self) { try store.load(id: "20240101-000000-aaaaaa") }
        #expect(throws: (any Error).self) { try store.trash(id: "20240101-000000-aaaaaa") }
        victim.expectUntouched()
        #expect(Self.isSymlink(link))
        let quarantine = directory.url.appendingPathComponent("quarantine")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: quarantine.path)) ?? []).isEmpty)
        #expect(diagnostics.contains("is a symbolic link"))
    }

    @Test func aPlantedTempNameIsNeverWrittenThrough() throws {
        let directory = try StoreTemporaryDirectory("temp")
        defer { directory.remove() }
        let victim = try Victim()
        defer { victim.remove() }
        // Whatever name is tried first, a link is waiting there: the writer must pick another.
        let (fd, url) = try TempFileName.create(in: directory.url, for: "x.json")
        close(fd)
        try Self.plantLink(at: url, to: victim.url)
        for _ in 0..<50 {
            let (fd, other) = try TempFileName.create(in: directory.url, for: "x.json")
            close(fd)
            #expect(other != url)
            #expect(!Self.isSymlink(other))
            #expect(mode(of: other) == 0o600)
        }
        victim.expectUntouched()
    }

    // MARK: - Directories that exist already

    @Test func anExistingSharedRootIsNeverChmoddedAndWarnsOnce() throws {
        let directory = try StoreTemporaryDirectory()
        defer { directory.remove() }
        let root = directory.url.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        chmod(root.path, 0o1777)
        let diagnostics = DiagnosticsRecorder()
        _ = try ConversationStore(root: root, diagnostics: diagnostics.sink)
        #expect(mode(of: root) == 0o1777)
        // The directories the store made itself are private.
        #expect(mode(of: root.appendingPathComponent("conversations")) == 0o700)
        #expect(diagnostics.all.filter { $0.contains(root.path) && $0.contains("others") }.count == 1)
    }

    @Test func aSymlinkedTrashPointingOutsideIsNotChmodded() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let outside = try StoreTemporaryDirectory("outside")
        defer { outside.remove() }
        chmod(outside.url.path, 0o755)
        try FileManager.default.removeItem(at: fixture.layout.trash)
        try Self.plantLink(at: fixture.layout.trash, to: outside.url)
        _ = try fixture.reopen()
        _ = try DocumentStore<Note>(root: fixture.root, folder: "notes", diagnostics: { _ in })
        #expect(mode(of: outside.url) == 0o755)
    }

    // MARK: - Files whose content does not match their name

    @Test func aConversationWhoseIdIsNotItsFileNameIsQuarantined() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "good"))
        var stray = sampleConversation(id: "stray")
        stray.id = "../../../../etc/evil"
        let bytes = try ConversationCoding.encode(stray)
        try fixture.writeRaw(bytes, id: "stray")

        #expect(try fixture.store.list().map(\.id) == ["good"])
        #expect(try Data(contentsOf: fixture.layout.quarantine.appendingPathComponent("stray.json")) == bytes)
        #expect(fixture.diagnostics.contains("does not match"))
    }

    @Test func aNewerConversationWhoseIdIsNotItsFileNameIsListedUnderItsFileName() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let text = QuarantineTests.newerFile.replacingOccurrences(of: "\"id\": \"future\"", with: "\"id\": \"../../etc/evil\"")
        #expect(text != QuarantineTests.newerFile)
        try fixture.writeRaw(Data(text.utf8), id: "future")
        #expect(try fixture.store.list().map(\.id) == ["future"])
        #expect(try fixture.store.load(id: "future").conversation.id == "future")
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
    }

    @Test func aDocumentWhoseIdIsNotItsFileNameIsQuarantined() throws {
        let directory = try StoreTemporaryDirectory("documents")
        defer { directory.remove() }
        let store = try DocumentStore<Note>(root: directory.url, folder: "notes", diagnostics: { _ in })
        let note = Note(id: "../../etc/evil", updatedAt: Date(timeIntervalSince1970: 1_700_000_000), lines: [])
        let file = store.directory.appendingPathComponent("20240101-000000-aaaaaa.json")
        try ParleyJSON.encoder().encode(note).write(to: file)

        #expect(try store.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let quarantine = directory.url.appendingPathComponent("quarantine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: quarantine.path) == ["20240101-000000-aaaaaa.json"])
    }

    @Test func aNewerDocumentThatNoLongerDecodesIsLeftWhereItIs() throws {
        let directory = try StoreTemporaryDirectory("documents")
        defer { directory.remove() }
        let diagnostics = DiagnosticsRecorder()
        let store = try DocumentStore<Note>(root: directory.url, folder: "notes", diagnostics: diagnostics.sink)
        // Schema 9 renamed `lines`: this build cannot decode it, and must not take it for damage.
        let text = """
            {"schemaVersion": 9, "id": "20240101-000000-ffffff", "updatedAt": "2024-01-01T00:00:00.000Z", "paragraphs": ["a"]}
            """
        let file = store.directory.appendingPathComponent("20240101-000000-ffffff.json")
        try Data(text.utf8).write(to: file)

        #expect(try store.list().isEmpty)
        #expect(throws: DocumentStoreError.newerSchema(kind: "note", id: "20240101-000000-ffffff", version: 9)) {
            try store.load(id: "20240101-000000-ffffff")
        }
        #expect(try Data(contentsOf: file) == Data(text.utf8))
        let quarantine = directory.url.appendingPathComponent("quarantine")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: quarantine.path)) ?? []).isEmpty)
        #expect(diagnostics.contains("newer Parley"))
    }
}
