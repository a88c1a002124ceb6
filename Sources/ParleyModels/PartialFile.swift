#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyStore

/// `NAME.partial` while it is written: open without following a link, locked for this process,
/// appended to, and hashed as it grows. Used by one thread at a time (the download's, or the
/// transport's delegate queue while an answer is written, under the `ResponseWriter`'s lock).
///
/// Small appends are gathered into writes of `writeSize` (URLSession hands over pieces of 16 KiB,
/// and one `pwrite` each cost more system time than the rest of the download); a large one, as
/// libcurl's reads are, is written as it is. What is gathered and
/// not yet written is lost if the process is killed, as bytes in flight are; the next pull resumes
/// from what is on disk (and hashes that), so nothing is ever taken for written that is not.
final class PartialFile: @unchecked Sendable {
    private let fd: Int32
    let url: URL
    /// Bytes on disk.
    private var written: Int64
    private var gathered = Data()
    private var hasher = SHA256Hasher()
    static let writeSize = 1 << 20

    private init(fd: Int32, url: URL, length: Int64) {
        self.fd = fd
        self.url = url
        written = length
        writeBackStarted = length
        gathered.reserveCapacity(Self.writeSize)
    }

    /// The file's length once what is gathered is written.
    var length: Int64 { written + Int64(gathered.count) }

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
        try? flush()
        closeDescriptor(fd)
    }

    /// Empties the file and the hash: what it held cannot be used.
    func truncate() throws {
        guard ftruncate(fd, 0) == 0 else { throw failure("truncate") }
        written = 0
        writeBackStarted = 0
        gathered.removeAll(keepingCapacity: true)
        hasher = SHA256Hasher()
    }

    /// Feeds the bytes already on disk to the hash, so a resumed download need not fetch them.
    func hashExistingBytes() throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while offset < written {
            let wanted = Int(min(Int64(buffer.count), written - offset))
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
        written = offset
    }

    /// Hashes `bytes` and writes them: at once when nothing is gathered and they are large (a
    /// socket read from libcurl), else gathered into one write of `writeSize`.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        if gathered.isEmpty && bytes.count >= Self.writeSize / 4 {
            try write(bytes)
            return
        }
        gathered.append(contentsOf: bytes)
        if gathered.count >= Self.writeSize { try flush() }
    }

    /// Writes what is gathered.
    func flush() throws {
        guard !gathered.isEmpty else { return }
        try gathered.withUnsafeBytes { try write($0) }
        gathered.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` at the end of what is on disk (nothing may be gathered).
    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(written) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write")
            }
            done += n
        }
        written += Int64(bytes.count)
        startWriteBack()
    }

    /// Bytes handed to the disk ahead of the final `fsync` (see `startWriteBack`).
    private var writeBackStarted: Int64 = 0
    static let writeBackStep: Int64 = 8 << 20

    /// Asks the kernel to start writing what is on disk so far (Linux's `sync_file_range`, which
    /// does not wait), every `writeBackStep` bytes: the `fsync` before the rename then finds little
    /// left to write. Without it, that `fsync` wrote the whole file at the end (0.2 s for 256 MiB
    /// here, a fifth of the pull). Elsewhere nothing is done ahead.
    private func startWriteBack() {
        guard written - writeBackStarted >= Self.writeBackStep, let start = FileWriteBack.start else { return }
        _ = start(fd, writeBackStarted, written - writeBackStarted, FileWriteBack.write)
        writeBackStarted = written
    }

    func finishHash() -> String {
        hasher.finish()
    }

    /// Flushes the file and gives it its final name (never replacing a file there), then flushes
    /// the directory, so after a crash the model is either whole under its name or not there.
    func commit(to final: URL) throws {
        try flush()
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

/// Linux's `sync_file_range(2)`, which the C library declares only for GNU sources (so Swift's
/// Glibc module does not show it): looked up once by name, nil where there is none.
enum FileWriteBack {
    typealias Start = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    /// `SYNC_FILE_RANGE_WRITE`: start writing the range's dirty pages, do not wait.
    static let write: UInt32 = 2

    static let start: Start? = {
        #if os(Linux)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
            return unsafeBitCast(symbol, to: Start.self)
        #else
            return nil
        #endif
    }()
}

/// `close(2)`, reachable from a type that has a `close()` of its own.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
