#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyStore

/// `NAME.partial` while it is written: open without following a link, locked for this process,
/// appended to, and hashed as it grows. Used by one task at a time (the download's).
final class PartialFile: @unchecked Sendable {
    private let fd: Int32
    let url: URL
    private(set) var length: Int64
    private var hasher = SHA256Hasher()

    private init(fd: Int32, url: URL, length: Int64) {
        self.fd = fd
        self.url = url
        self.length = length
    }

    /// Opens (or creates, 0600) the partial file of `target` in a directory made private if Parley
    /// creates it, and takes its lock.
    static func open(_ target: DownloadTarget) throws -> PartialFile {
        do {
            try StorageDirectory.prepare(target.directory.deletingLastPathComponent(), required: true, diagnostics: { _ in })
            try StorageDirectory.prepare(target.directory, required: true, diagnostics: { _ in })
        } catch {
            throw ModelPullError.storage(String(describing: error))
        }
        if Platform.fileExists(target.finalURL) {
            throw ModelPullError.storage("\(target.finalURL.path) exists already; remove it first ('parley models rm')")
        }
        let fd: Int32
        do {
            fd = try Platform.openOwnFile(target.partialURL, flags: O_RDWR | O_CREAT, singleLink: true)
        } catch Platform.ReadFailure.foreign(let what) {
            throw ModelPullError.storage("\(target.partialURL.path) is \(what), not Parley's partial download; it was left alone")
        } catch {
            throw ModelPullError.storage("cannot open \(target.partialURL.path): \(error)")
        }
        _ = fchmod(fd, 0o600)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            closeDescriptor(fd)
            throw ModelPullError.busy(file: target.fileName)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            closeDescriptor(fd)
            throw ModelPullError.storage("cannot read \(target.partialURL.path): \(Platform.describe(errno: errno))")
        }
        return PartialFile(fd: fd, url: target.partialURL, length: Int64(info.st_size))
    }

    func close() {
        closeDescriptor(fd)
    }

    /// Empties the file and the hash: what it held cannot be used.
    func truncate() throws {
        guard ftruncate(fd, 0) == 0 else { throw failure("truncate") }
        length = 0
        hasher = SHA256Hasher()
    }

    /// Feeds the bytes already on disk to the hash, so a resumed download need not fetch them.
    func hashExistingBytes() throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while offset < length {
            let wanted = Int(min(Int64(buffer.count), length - offset))
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(offset)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("read")
            }
            if got == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            offset += Int64(got)
        }
        // A file shorter than it said (it cannot be, but a short read must not leave a gap).
        length = offset
    }

    func append(_ data: Data) throws {
        try data.withUnsafeBytes { bytes in
            var written = 0
            while written < bytes.count {
                let n = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(length) + off_t(written))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write")
                }
                written += n
            }
            hasher.update(bytes)
        }
        length += Int64(data.count)
    }

    func finishHash() -> String {
        hasher.finish()
    }

    /// Flushes the file and gives it its final name (never replacing a file there), then flushes
    /// the directory, so after a crash the model is either whole under its name or not there.
    func commit(to final: URL) throws {
        guard fsync(fd) == 0 else { throw failure("fsync") }
        guard try Platform.moveNoReplace(from: url, to: final) else {
            throw ModelPullError.storage("\(final.path) appeared while it was downloaded; the download stays in \(url.lastPathComponent)")
        }
        try AtomicFile(fileSync: .system).syncDirectory(final.deletingLastPathComponent(), target: final)
    }

    private func failure(_ step: String) -> ModelPullError {
        .storage("\(step) of \(url.path) failed: \(Platform.describe(errno: errno))")
    }
}

/// `close(2)`, reachable from a type that has a `close()` of its own.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
