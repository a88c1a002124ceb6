#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

/// `mostRecent()` (what `--continue` opens) answers from `index.json` when the index vouches for the
/// conversations directory as it is now, and falls back to a full listing whenever anything may
/// have changed since.
@Suite("Most recent conversation through the index")
struct MostRecentTests {
    /// Puts the conversations directory's mtime a minute back, as if nothing had been saved lately.
    static func settle(_ fixture: StoreFixture) throws {
        let past = timespec(tv_sec: Int(Date().timeIntervalSince1970) - 60, tv_nsec: 0)
        var times = [past, past]
        #expect(utimensat(AT_FDCWD, fixture.layout.conversations.path, &times, 0) == 0)
    }

    static func index(_ fixture: StoreFixture) throws -> ConversationIndex {
        try #require(ConversationIndex.decode(try Data(contentsOf: fixture.layout.index)))
    }

    func threeConversations() throws -> StoreFixture {
        let fixture = try StoreFixture()
        try fixture.store.create(sampleConversation(id: "a", title: "alpha", at: 1_700_000_000))
        try fixture.store.create(sampleConversation(id: "b", title: "beta", at: 1_700_000_100))
        try fixture.store.create(sampleConversation(id: "c", title: "gamma", at: 1_700_000_200))
        return fixture
    }

    @Test func aListingRecordsTheDirectoryStampOnlyOnceItHasSettled() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        _ = try fixture.store.list()
        #expect(try Self.index(fixture).directoryStamp == nil)
        try Self.settle(fixture)
        _ = try fixture.store.list()
        let recorded = try Self.index(fixture).directoryStamp
        #expect(recorded != nil)
        #expect(recorded == Platform.stamp(ofPath: fixture.layout.conversations.path))
    }

    @Test func aSettledIndexAnswersWithoutReadingTheOtherFiles() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        // "a" is overwritten in place with garbage and a new mtime; the directory does not change.
        try IndexTests.scribbleKeepingStamp(fixture.file("a"))
        var times = [timespec(tv_sec: 1_700_000_999, tv_nsec: 0), timespec(tv_sec: 1_700_000_999, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, fixture.file("a").path, &times, 0) == 0)

        #expect(try fixture.store.mostRecent()?.id == "c")
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)
        // A listing does look at every file (and finds "a" unreadable).
        #expect(try fixture.store.list().map(\.id) == ["c", "b"])
        #expect(fixture.names(in: fixture.layout.quarantine) == ["a.json"])
    }

    @Test func savesCreationsAndRemovalsAfterTheIndexAreSeen() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        #expect(try fixture.store.mostRecent()?.id == "c")

        try fixture.reopen().create(sampleConversation(id: "d", title: "delta", at: 1_700_000_300))
        #expect(try fixture.store.mostRecent()?.id == "d")

        try Self.settle(fixture)
        _ = try fixture.store.list()
        try fixture.reopen().update(id: "a") { $0.title = "alpha, saved now" }
        #expect(try fixture.store.mostRecent()?.title == "alpha, saved now")

        try Self.settle(fixture)
        _ = try fixture.store.list()
        try fixture.reopen().trash(id: "a")
        #expect(try fixture.store.mostRecent()?.id == "d")
    }

    @Test func theWinnerChangedInPlaceIsNotTrusted() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        let edited = try ConversationCoding.encode(sampleConversation(id: "c", title: "gamma, edited by hand", at: 1_700_000_200))
        let handle = try FileHandle(forWritingTo: fixture.file("c"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: edited)
        try handle.close()
        #expect(try fixture.store.mostRecent()?.title == "gamma, edited by hand")
    }

    @Test func theAnswerNeedsNeitherTheIndexNorTheOtherFiles() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        #expect(FileManager.default.fileExists(atPath: fixture.layout.newest.path))
        try Data("garbage {".utf8).write(to: fixture.layout.index)
        #expect(try fixture.store.mostRecent()?.id == "c")
        #expect(!fixture.diagnostics.contains("index.json was unreadable"))
    }

    @Test func aMissingOrUnreadableRecordFallsBackToListing() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        #expect(try fixture.store.mostRecent()?.id == "c")
        try Data("garbage {".utf8).write(to: fixture.layout.newest)
        #expect(try fixture.store.mostRecent()?.id == "c")
        try FileManager.default.removeItem(at: fixture.layout.newest)
        try Data("garbage {".utf8).write(to: fixture.layout.index)
        #expect(try fixture.store.mostRecent()?.id == "c")
        #expect(fixture.diagnostics.all.filter { $0.contains("index.json was unreadable") }.count == 1)
    }

    @Test func aListingThatCannotVouchRemovesTheRecord() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        #expect(FileManager.default.fileExists(atPath: fixture.layout.newest.path))
        try fixture.store.update(id: "a") { $0.title = "changed just now" }
        _ = try fixture.store.list()
        #expect(!FileManager.default.fileExists(atPath: fixture.layout.newest.path))
        #expect(try fixture.store.mostRecent()?.id == "a")
    }

    @Test func theCachesAreWrittenWithoutFlushing() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        // Every flush fails: a save would fail, but the index and the record are caches.
        let unflushed = try fixture.reopen(fileSync: FileSync(sync: { _ in
            errno = EIO
            return -1
        }))
        #expect(try unflushed.list().map(\.id) == ["c", "b", "a"])
        #expect(FileManager.default.fileExists(atPath: fixture.layout.index.path))
        #expect(FileManager.default.fileExists(atPath: fixture.layout.newest.path))
        #expect(!fixture.diagnostics.contains("could not update"))
    }

    @Test func aDirectoryThatOnlyChangedLatelyDoesNotRewriteTheIndex() throws {
        let fixture = try threeConversations()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        let written = Platform.stamp(ofPath: fixture.layout.index.path)
        // A file comes and goes (as a save's temp file does): the directory is recent, the files the same.
        let stray = fixture.layout.conversations.appendingPathComponent("stray.tmp")
        #expect(FileManager.default.createFile(atPath: stray.path, contents: Data()))
        try FileManager.default.removeItem(at: stray)
        #expect(try fixture.store.mostRecent()?.id == "c")
        #expect(Platform.stamp(ofPath: fixture.layout.index.path) == written)
    }

    @Test func listOfOneIsTheFirstOfTheWholeListTiesIncluded() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for id in ["m", "z", "a"] { try fixture.store.create(sampleConversation(id: id, title: id, at: 1_700_000_500)) }
        try fixture.store.create(sampleConversation(id: "old", title: "old", at: 1_700_000_000))
        let all = try fixture.store.list()
        #expect(all.map(\.id) == ["z", "m", "a", "old"])
        #expect(try fixture.store.list(limit: 1) == Array(all.prefix(1)))
        #expect(try fixture.store.list(limit: 0).isEmpty)
    }

    @Test func theRecordRoundTrips() throws {
        let entry = ConversationIndex.Entry(
            summary: ConversationSummary(
                id: "x", title: "ex", createdAt: Date(timeIntervalSinceReferenceDate: 10), updatedAt: Date(timeIntervalSinceReferenceDate: 20),
                messageCount: 3),
            stamp: FileStamp(size: 5, modifiedSeconds: 6, modifiedNanoseconds: 7, inode: 8), hasStreamingMessage: false)
        let directory = FileStamp(size: 4096, modifiedSeconds: 100, modifiedNanoseconds: 5, inode: 9)
        for record in [NewestConversationRecord(directoryStamp: directory, entry: entry), NewestConversationRecord(directoryStamp: directory, entry: nil)] {
            #expect(NewestConversationRecord.decode(try record.encoded()) == record)
        }
        #expect(NewestConversationRecord.decode(Data(#"{"version":2,"directory":{"size":1,"modifiedSeconds":1,"modifiedNanoseconds":1,"inode":1}}"#.utf8)) == nil)
    }

    @Test func anEmptySettledStoreHasNoMostRecent() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try Self.settle(fixture)
        _ = try fixture.store.list()
        #expect(try Self.index(fixture).directoryStamp != nil)
        #expect(try fixture.store.mostRecent() == nil)
        try fixture.reopen().create(sampleConversation(id: "z", title: "zeta"))
        #expect(try fixture.store.mostRecent()?.id == "z")
    }

    @Test func newestNeedsTheSameDirectoryAndNoHalfWrittenReply() {
        func entry(_ id: String, _ seconds: Double, streaming: Bool = false) -> ConversationIndex.Entry {
            ConversationIndex.Entry(
                summary: ConversationSummary(
                    id: id, title: id, createdAt: Date(timeIntervalSince1970: seconds), updatedAt: Date(timeIntervalSince1970: seconds),
                    messageCount: 1),
                stamp: FileStamp(size: 1, modifiedSeconds: 1, modifiedNanoseconds: 0, inode: 1), hasStreamingMessage: streaming)
        }
        let directory = FileStamp(size: 4096, modifiedSeconds: 100, modifiedNanoseconds: 5, inode: 9)
        var moved = directory
        moved.modifiedNanoseconds = 6
        let index = ConversationIndex(entries: [entry("x", 10), entry("y", 30), entry("z", 20)], directoryStamp: directory)
        #expect(index.newest(directoryNow: directory) == .known(entry("y", 30)))
        #expect(index.newest(directoryNow: moved) == .unknown)
        #expect(index.newest(directoryNow: nil) == .unknown)
        #expect(ConversationIndex(entries: [entry("x", 10)]).newest(directoryNow: directory) == .unknown)
        #expect(ConversationIndex(entries: [], directoryStamp: directory).newest(directoryNow: directory) == .known(nil))
        let streaming = ConversationIndex(entries: [entry("x", 10, streaming: true), entry("y", 30)], directoryStamp: directory)
        #expect(streaming.newest(directoryNow: directory) == .unknown)
    }

    @Test func settledMeansOldEnough() {
        let now = Date(timeIntervalSince1970: 1_000)
        let old = FileStamp(size: 1, modifiedSeconds: 990, modifiedNanoseconds: 0, inode: 1)
        let recent = FileStamp(size: 1, modifiedSeconds: 999, modifiedNanoseconds: 500_000_000, inode: 1)
        #expect(ConversationIndex.settled(old, now: now) == old)
        #expect(ConversationIndex.settled(recent, now: now) == nil)
        #expect(ConversationIndex.settled(nil, now: now) == nil)
    }

    @Test func theDirectoryStampRoundTripsAndOlderIndexesDecodeWithoutIt() throws {
        let directory = FileStamp(size: 4096, modifiedSeconds: 100, modifiedNanoseconds: 5, inode: 9)
        let index = ConversationIndex(entries: [], directoryStamp: directory)
        #expect(ConversationIndex.decode(try index.encoded()) == index)
        let older = #"{"version":1,"ids":[],"titles":[],"createdAt":[],"updatedAt":[],"messageCounts":[],"sizes":[],"modifiedSeconds":[],"modifiedNanoseconds":[],"inodes":[],"streaming":[]}"#
        let decoded = try #require(ConversationIndex.decode(Data(older.utf8)))
        #expect(decoded.directoryStamp == nil)
    }
}
