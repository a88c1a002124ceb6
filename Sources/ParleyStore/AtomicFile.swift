#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes whole files so that a reader (or a crash) only ever sees the old or the new version:
/// temp file in the same directory, write all, fsync, rename over the target, fsync the directory.
struct AtomicFile: Sendable {
    let fileSync: FileSync

    /// Replaces (or creates) `target` with `data`, mode 0600. With `replacing: false` it fails with
    /// `alreadyExists` instead of replacing an existing file (the final step is then a hard link).
    /// With `durable: false` (caches that are rebuilt when lost or unreadable: `index.json`,
    /// `newest.json`) nothing is flushed: readers still see the old or the new file, but a power
    /// loss may leave either, or an empty one. A start of `parley --continue` that rewrote the
    /// megabyte index would otherwise wait for the disk (on a busy machine, a listing that rewrote it
    /// took 0.3–0.5 s of wall time for 0.17 s of CPU).
    ///
    /// Something other than a regular file at `target` (a link planted in storage) is reported with
    /// `notOwnFile` and left as it is: the rename would not follow it, but replacing it would
    /// still hide what someone put there.
    func write(_ data: Data, to target: URL, replacing: Bool = true, durable: Bool = true) throws {
        try write(to: target, replacing: replacing, durable: durable) { fd in try writeAll(data, to: fd, target: target) }
    }

    /// The same with the contents written by `body` to the temp file's descriptor (for files too
    /// large to hold twice in memory); nothing replaces `target` unless `body` returns.
    func write(to target: URL, replacing: Bool = true, durable: Bool = true, _ body: (_ fd: Int32) throws -> Void) throws {
        let directory = target.deletingLastPathComponent()
        if let what = Platform.foreignKind(at: target) { throw StoreError.notOwnFile(file: target.path, what: what) }
        let fd: Int32
        let temp: URL
        do {
            (fd, temp) = try TempFileName.create(in: directory, for: target.lastPathComponent)
        } catch let failure as TempFileName.Failure {
            throw StoreError.writeFailed(file: target.path, reason: "cannot create a temp file: \(failure.reason)")
        }
        var closed = false
        var committed = false
        defer {
            if !closed { close(fd) }
            if !committed { Platform.removeFile(temp) }
        }
        func fail(_ step: String, _ code: Int32) -> StoreError {
            StoreError.writeFailed(file: target.path, reason: "\(step) failed: \(Platform.describe(errno: code))")
        }
        try body(fd)
        if durable && fileSync.sync(fd) != 0 { throw fail("fsync", errno) }
        closed = true
        if close(fd) != 0 { throw fail("close", errno) }
        if replacing {
            if rename(temp.path, target.path) != 0 { throw fail("rename", errno) }
        } else {
            if link(temp.path, target.path) != 0 {
                let code = errno
                if code == EEXIST {
                    let id = StoreLayout.conversationID(fromFileName: target.lastPathComponent) ?? target.lastPathComponent
                    throw StoreError.alreadyExists(id: id)
                }
                throw fail("link", code)
            }
            Platform.removeFile(temp)
        }
        committed = true
        if durable { try syncDirectory(directory, target: target) }
    }

    /// Flushes a directory so a rename, link or unlink in it survives a power loss.
    func syncDirectory(_ directory: URL, target: URL? = nil) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let name = (target ?? directory).path
        if fd < 0 {
            throw StoreError.writeFailed(file: name, reason: "cannot open its directory to flush it: \(Platform.describe(errno: errno))")
        }
        defer { close(fd) }
        if fileSync.sync(fd) != 0 {
            throw StoreError.writeFailed(file: name, reason: "directory fsync failed: \(Platform.describe(errno: errno))")
        }
    }

    func writeAll(_ data: Data, to fd: Int32, target: URL) throws {
        try data.withUnsafeBytes { try writeAll($0, to: fd, target: target) }
    }

    func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32, target: URL) throws {
        let failure = Platform.writeAll(buffer, to: fd)
        if failure != 0 {
            throw StoreError.writeFailed(file: target.path, reason: "write failed: \(Platform.describe(errno: failure))")
        }
    }
}
