#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore

/// Saved model states of conversations, `<storage>/cache/<conversation id>.kv`, so a conversation
/// continued by another process evaluates only its new message.
///
/// The bytes are the local runtime's to write and check (this type never interprets them). Files
/// are private (0600 in a directory made 0700), opened without following links, and replaced
/// atomically through a temp file and a rename. They are not flushed to disk: a cache is rebuilt
/// when lost, and a file a power loss cut short fails the runtime's checks and is ignored.
/// Reading a file marks it used (its modification time); past `capacity` bytes the least recently
/// used go first.
public struct SessionCache: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The conversation id.
        public var key: String
        public var bytes: Int64
        public var lastUsed: Date
    }

    /// A gibibyte: about ten conversations filling a 4,096-token context of the default model.
    public static let defaultCapacity: Int64 = 1 << 30
    static let suffix = ".kv"

    public let directory: URL
    public let capacity: Int64

    public init(storage: URL, capacity: Int64 = SessionCache.defaultCapacity) {
        directory = storage.appendingPathComponent("cache", isDirectory: true)
        self.capacity = capacity
    }

    func url(for key: String) throws -> URL {
        guard Identifier.isValid(key) else { throw StoreError.invalidID(key) }
        return directory.appendingPathComponent(key + Self.suffix, isDirectory: false)
    }

    /// Writes the state of `key`: `body` is handed a function that writes bytes, and the file
    /// replaces the old one only once `body` returns. Then the least recently used states go until
    /// the cache is within its capacity (this one too, if it alone is larger).
    public func save(key: String, _ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let target = try url(for: key)
        try StorageDirectory.prepare(directory, required: true, diagnostics: { _ in })
        TempFileSweeper.sweep([directory], diagnostics: { _ in })
        // Not flushed: see the type's comment.
        let file = AtomicFile(fileSync: .system)
        try file.write(to: target, durable: false) { fd in
            try body { buffer in try file.writeAll(buffer, to: fd, target: target) }
        }
        evict()
    }

    /// Reads the state of `key`: `body` gets the file's size and a function that fills a buffer
    /// from it (throwing when the file ends first). Nil when there is no state for `key`; a link
    /// or anything else that is not a regular file is never read.
    public func load<T>(
        key: String, _ body: (_ byteCount: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> T
    ) throws -> T? {
        let target = try url(for: key)
        let fd: Int32
        do {
            fd = try Platform.openOwnFile(target, flags: O_RDONLY)
        } catch Platform.ReadFailure.missing {
            return nil
        } catch Platform.ReadFailure.foreign(let what) {
            throw StoreError.notOwnFile(file: target.path, what: what)
        } catch Platform.ReadFailure.system(let reason) {
            throw StoreError.readFailed(file: target.path, reason: reason)
        }
        defer { close(fd) }
        guard let stamp = Platform.stamp(ofDescriptor: fd) else {
            throw StoreError.readFailed(file: target.path, reason: Platform.describe(errno: errno))
        }
        // Used now: the last to be evicted.
        _ = futimens(fd, nil)
        return try body(Int(stamp.size)) { buffer in
            let failure = Platform.readAll(buffer, from: fd)
            if failure == -1 { throw StoreError.readFailed(file: target.path, reason: "it ends early") }
            if failure != 0 { throw StoreError.readFailed(file: target.path, reason: Platform.describe(errno: failure)) }
        }
    }

    /// The saved states, least recently used first. Names that are not a state's (temp files,
    /// anything put there by hand) and anything but a regular file are left out.
    public func entries() -> [Entry] {
        let names = Platform.fileNames(in: directory).filter { name in
            name.hasSuffix(Self.suffix) && Identifier.isValid(String(name.dropLast(Self.suffix.count)))
        }
        var result: [Entry] = []
        for name in names {
            var info = stat()
            guard lstat(directory.appendingPathComponent(name).path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let stamp = FileStamp(info)
            let used = Date(timeIntervalSince1970: Double(stamp.modifiedSeconds) + Double(stamp.modifiedNanoseconds) / 1e9)
            result.append(Entry(key: String(name.dropLast(Self.suffix.count)), bytes: stamp.size, lastUsed: used))
        }
        return result.sorted { ($0.lastUsed, $0.key) < ($1.lastUsed, $1.key) }
    }

    /// Removes the state of `key`, if there is one.
    public func remove(key: String) throws {
        Platform.removeFile(try url(for: key))
    }

    /// Removes every saved state; returns how many and their bytes.
    @discardableResult
    public func clear() -> (files: Int, bytes: Int64) {
        let all = entries()
        for entry in all { Platform.removeFile(directory.appendingPathComponent(entry.key + Self.suffix)) }
        return (all.count, all.reduce(0) { $0 + $1.bytes })
    }

    /// Removes the least recently used states until the rest fit the capacity.
    private func evict() {
        var all = entries()
        var total = all.reduce(0) { $0 + $1.bytes }
        while total > capacity, !all.isEmpty {
            let oldest = all.removeFirst()
            Platform.removeFile(directory.appendingPathComponent(oldest.key + Self.suffix))
            total -= oldest.bytes
        }
    }
}
