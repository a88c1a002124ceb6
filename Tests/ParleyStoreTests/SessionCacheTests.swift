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

/// Saved model states under `<storage>/cache/`: private, atomic, never through a link, and
/// least recently used first out past the capacity.
@Suite("Session cache")
struct SessionCacheTests {
    static func save(_ cache: SessionCache, _ key: String, _ bytes: [UInt8]) throws {
        try cache.save(key: key) { write in try bytes.withUnsafeBytes { try write($0) } }
    }

    static func load(_ cache: SessionCache, _ key: String) throws -> [UInt8]? {
        try cache.load(key: key) { count, read in
            var bytes = [UInt8](repeating: 0, count: count)
            try bytes.withUnsafeMutableBytes { try read($0) }
            return bytes
        }
    }

    static func setModified(_ url: URL, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, url.path, &times, AT_SYMLINK_NOFOLLOW)
    }

    @Test func savedStatesReadBackPrivately() throws {
        let root = try StoreTemporaryDirectory("cache")
        defer { root.remove() }
        let cache = SessionCache(storage: root.url)
        #expect(try Self.load(cache, "c1") == nil)
        try Self.save(cache, "c1", Array(0..<200))
        #expect(try Self.load(cache, "c1") == Array(0..<200))
        #expect(mode(of: cache.directory) == 0o700)
        #expect(mode(of: cache.directory.appendingPathComponent("c1.kv")) == 0o600)
        try Self.save(cache, "c1", [7, 8])
        #expect(try Self.load(cache, "c1") == [7, 8])
        #expect(cache.entries().map(\.key) == ["c1"])
        // Names that could leave the directory are refused.
        #expect(throws: StoreError.invalidID("../c1")) { try Self.save(cache, "../c1", [1]) }
        #expect(throws: StoreError.self) { try Self.load(cache, ".hidden") }
    }

    @Test func aFailedSaveKeepsTheOldStateAndLeavesNoTempFile() throws {
        let root = try StoreTemporaryDirectory("cache")
        defer { root.remove() }
        let cache = SessionCache(storage: root.url)
        try Self.save(cache, "c1", [1, 2, 3])
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try cache.save(key: "c1") { write in
                try [9, 9, 9, 9].withUnsafeBytes { try write($0) }
                throw Stop()
            }
        }
        #expect(try Self.load(cache, "c1") == [1, 2, 3])
        #expect(Platform.fileNames(in: cache.directory) == ["c1.kv"])
    }

    @Test func aPlantedLinkIsNeitherReadNorReplaced() throws {
        let root = try StoreTemporaryDirectory("cache")
        defer { root.remove() }
        let victim = try ForeignFileTests.Victim()
        defer { victim.remove() }
        let cache = SessionCache(storage: root.url)
        try Self.save(cache, "c0", [1])
        let link = cache.directory.appendingPathComponent("c1.kv")
        try ForeignFileTests.plantLink(at: link, to: victim.url)
        #expect(throws: StoreError.self) { try Self.load(cache, "c1") }
        #expect(throws: StoreError.self) { try Self.save(cache, "c1", [1, 2]) }
        #expect(ForeignFileTests.isSymlink(link))
        #expect(!cache.entries().contains { $0.key == "c1" })
        cache.clear()
        #expect(ForeignFileTests.isSymlink(link))
        victim.expectUntouched()
    }

    @Test func theLeastRecentlyUsedGoFirstPastTheCapacity() throws {
        let root = try StoreTemporaryDirectory("cache")
        defer { root.remove() }
        let cache = SessionCache(storage: root.url, capacity: 250)
        try Self.save(cache, "a", [UInt8](repeating: 1, count: 100))
        try Self.save(cache, "b", [UInt8](repeating: 2, count: 100))
        Self.setModified(cache.directory.appendingPathComponent("a.kv"), seconds: 1_000)
        Self.setModified(cache.directory.appendingPathComponent("b.kv"), seconds: 2_000)
        #expect(cache.entries().map(\.key) == ["a", "b"])
        // Reading a makes it the most recently used: b is the oldest when c arrives.
        _ = try Self.load(cache, "a")
        try Self.save(cache, "c", [UInt8](repeating: 3, count: 100))
        #expect(Set(cache.entries().map(\.key)) == ["a", "c"])
        // One state larger than the whole capacity is not kept.
        try Self.save(cache, "d", [UInt8](repeating: 4, count: 300))
        #expect(try Self.load(cache, "d") == nil)
        #expect(cache.entries().isEmpty)
    }

    @Test func clearRemovesStatesAndSavingSweepsDeadWritersTempFiles() throws {
        let root = try StoreTemporaryDirectory("cache")
        defer { root.remove() }
        let cache = SessionCache(storage: root.url)
        try Self.save(cache, "a", [1, 2])
        try Self.save(cache, "b", [3])
        let stray = cache.directory.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: stray)
        // A temp file of a process that no longer exists.
        let leftover = cache.directory.appendingPathComponent(TempFileName.make(for: "a.kv", pid: 999_999_99))
        try Data([0]).write(to: leftover)
        try Self.save(cache, "c", [4])
        #expect(!Platform.fileExists(leftover))
        let cleared = cache.clear()
        #expect(cleared.files == 3 && cleared.bytes == 4)
        #expect(Platform.fileNames(in: cache.directory) == ["notes.txt"])
    }
}
