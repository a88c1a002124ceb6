#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import Testing

@testable import ParleyStore

@Suite("Listing through index.json")
struct IndexTests {
    @Test func listIsNewestFirstAndHonoursLimit() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "old", title: "old", at: 1_700_000_000))
        try fixture.store.create(sampleConversation(id: "new", title: "", messages: ["What is  the\nweather"], at: 1_700_000_500))
        try fixture.store.create(sampleConversation(id: "mid", title: "mid", messages: ["a", "b"], at: 1_700_000_200))
        let all = try fixture.store.list()
        #expect(all.map(\.id) == ["new", "mid", "old"])
        #expect(all[0].title == "What is the weather")
        #expect(all[1].messageCount == 2)
        #expect(try fixture.store.list(limit: 2).map(\.id) == ["new", "mid"])
        #expect(try fixture.store.mostRecent()?.id == "new")
        try fixture.store.update(id: "old") { $0.title = "old, touched" }
        #expect(try fixture.store.mostRecent()?.id == "old")
        #expect(try fixture.store.mostRecent()?.title == "old, touched")
    }

    @Test func emptyStoreListsNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(try fixture.store.list().isEmpty)
        #expect(try fixture.store.mostRecent() == nil)
    }

    @Test func listFollowsFilesAddedChangedAndRemovedBehindItsBack() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "a", title: "alpha", at: 1_700_000_000))
        try fixture.store.create(sampleConversation(id: "b", title: "beta", at: 1_700_000_100))
        try fixture.store.create(sampleConversation(id: "c", title: "gamma", at: 1_700_000_200))
        #expect(try fixture.store.list().map(\.id) == ["c", "b", "a"])

        // Added by copying a file in, changed by another store, removed by hand.
        try fixture.writeRaw(try ConversationCoding.encode(sampleConversation(id: "d", title: "delta", at: 1_700_000_300)), id: "d")
        try fixture.reopen().update(id: "a") { $0.title = "alpha renamed" }
        try FileManager.default.removeItem(at: fixture.file("b"))

        let listed = try fixture.store.list()
        #expect(listed.map(\.id) == ["a", "d", "c"])
        #expect(listed.first?.title == "alpha renamed")
        let index = try #require(ConversationIndex.decode(try Data(contentsOf: fixture.layout.index)))
        #expect(index.entries.map(\.summary.id) == ["a", "c", "d"])
    }

    @Test(arguments: ["garbage {", "", "{\"version\": 99, \"entries\": []}", "{\"version\": 1}"])
    func unreadableIndexIsRebuilt(content: String) throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "a", title: "alpha"))
        try fixture.store.create(sampleConversation(id: "b", title: "beta"))
        _ = try fixture.store.list()
        try Data(content.utf8).write(to: fixture.layout.index)
        #expect(try fixture.store.list().map(\.title).sorted() == ["alpha", "beta"])
        let index = try #require(ConversationIndex.decode(try Data(contentsOf: fixture.layout.index)))
        #expect(index.entries.count == 2)
        #expect(mode(of: fixture.layout.index) == 0o600)
    }

    @Test func missingIndexIsRebuilt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "a", title: "alpha"))
        #expect(!FileManager.default.fileExists(atPath: fixture.layout.index.path))
        #expect(try fixture.store.list().map(\.id) == ["a"])
        #expect(FileManager.default.fileExists(atPath: fixture.layout.index.path))
    }

    /// Overwrites a file's bytes in place (same inode, same size) and puts its mtime back, so only
    /// decoding it could notice the change.
    static func scribbleKeepingStamp(_ url: URL) throws {
        let before = try #require(Platform.stamp(ofPath: url.path))
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data(repeating: UInt8(ascii: "x"), count: Int(before.size)))
        try handle.close()
        var times = [
            timespec(tv_sec: Int(before.modifiedSeconds), tv_nsec: Int(before.modifiedNanoseconds)),
            timespec(tv_sec: Int(before.modifiedSeconds), tv_nsec: Int(before.modifiedNanoseconds)),
        ]
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        #expect(Platform.stamp(ofPath: url.path) == before)
    }

    @Test func listDoesNotDecodeUnchangedFiles() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "a", title: "alpha", messages: ["x", "y"]))
        try fixture.store.create(sampleConversation(id: "b", title: "beta"))
        let first = try fixture.store.list()

        try Self.scribbleKeepingStamp(fixture.file("a"))
        // Decoding "a" now would fail and quarantine it; the index entry is used instead.
        #expect(try fixture.store.list() == first)
        #expect(fixture.names(in: fixture.layout.quarantine).isEmpty)

        // Once the mtime moves, the file is decoded again (and found unreadable).
        var times = [timespec(tv_sec: 1_700_000_999, tv_nsec: 0), timespec(tv_sec: 1_700_000_999, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, fixture.file("a").path, &times, 0) == 0)
        #expect(try fixture.store.list().map(\.id) == ["b"])
        #expect(fixture.names(in: fixture.layout.quarantine) == ["a.json"])
    }

    @Test func indexIsNotRewrittenWhenNothingChanged() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.create(sampleConversation(id: "a", title: "alpha"))
        _ = try fixture.store.list()
        let stamp = Platform.stamp(ofPath: fixture.layout.index.path)
        _ = try fixture.store.list()
        _ = try fixture.store.list(limit: 1)
        #expect(Platform.stamp(ofPath: fixture.layout.index.path) == stamp)
        try fixture.store.update(id: "a") { $0.title = "changed" }
        _ = try fixture.store.list()
        #expect(Platform.stamp(ofPath: fixture.layout.index.path) != stamp)
    }

    @Test func planReusesMatchingStampsOnly() {
        func stamp(_ size: Int64, _ seconds: Int64) -> FileStamp {
            FileStamp(size: size, modifiedSeconds: seconds, modifiedNanoseconds: 5, inode: 7)
        }
        func entry(_ id: String, _ stamp: FileStamp) -> ConversationIndex.Entry {
            ConversationIndex.Entry(
                summary: ConversationSummary(id: id, title: id, createdAt: Date(), updatedAt: Date(), messageCount: 1),
                stamp: stamp, hasStreamingMessage: false)
        }
        let previous = ConversationIndex(entries: [
            entry("same", stamp(10, 1)), entry("resized", stamp(10, 1)), entry("touched", stamp(10, 1)),
            entry("gone", stamp(10, 1)),
        ])
        let plan = ConversationIndex.plan(
            stamps: ["same": stamp(10, 1), "resized": stamp(11, 1), "touched": stamp(10, 2), "new": stamp(3, 3)],
            previous: previous)
        #expect(plan.reusable.map(\.summary.id) == ["same"])
        #expect(plan.toDecode == ["new", "resized", "touched"])
        #expect(plan.removedCount == 1)
        #expect(ConversationIndex.plan(stamps: ["x": stamp(1, 1)], previous: nil).toDecode == ["x"])
    }
}
