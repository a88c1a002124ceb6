#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyStore

/// `NAME.partial` while it is written: open without following a link, locked for this process,
/// appended to, and hashed as it grows. Used by one thread at a time (the download's, or the
/// transfer's thread while an answer is written, under the `ResponseWriter`'s lock).
///
/// Appends are copied into chunks of `ChunkPipeline.chunkSize` that are hashed and written on a
/// thread of their own, so the network is read while the last chunk is hashed; `flush` waits for
/// them. What is appended and not yet written is lost if the process is killed, as bytes in
/// flight are; the next pull resumes from what is on disk (and hashes that), so nothing is ever
/// taken for written that is not.
final class PartialFile: @unchecked Sendable {
    private let fd: Int32
    let url: URL
    /// Bytes on disk (the pipeline's thread moves it while chunks are written).
    private var written: Int64
    /// Bytes on disk and appended since: the length the file will have.
    private var accepted: Int64
    private var hasher = SHA256Hasher()
    /// Hashes and writes the appended bytes (it holds the file only weakly: the file owns it).
    private lazy var pipeline = ChunkPipeline { [unowned self] bytes in
        hasher.update(bytes)
        try write(bytes)
    }

    private init(fd: Int32, url: URL, length: Int64) {
        self.fd = fd
        self.url = url
        written = length
        accepted = length
        writeBackStarted = length
    }

    /// The file's length once what is appended is written.
    var length: Int64 { accepted }

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
            throw ModelPullError.alreadyInstalled(target.finalURL.path)
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
        pipeline.close()
        closeDescriptor(fd)
    }

    /// Empties the file and the hash: what it held cannot be used.
    func truncate() throws {
        // What is on its way to the disk is part of what is thrown away.
        try? pipeline.drain()
        pipeline.clearFailure()
        guard ftruncate(fd, 0) == 0 else { throw failure("truncate") }
        written = 0
        accepted = 0
        writeBackStarted = 0
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
        accepted = offset
    }

    /// Appends `bytes` (copied: the caller may reuse them at once); they are hashed and written on
    /// the pipeline's thread. Throws a write that failed earlier.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try pipeline.append(bytes)
        accepted += Int64(bytes.count)
    }

    /// Returns once everything appended is hashed and written.
    func flush() throws {
        try pipeline.drain()
    }

    /// Bytes per `pwrite`. Whole 2 MiB chunks in one call sometimes spent seconds of system time
    /// copying into the page cache here (large folios, it seems); pieces of this size never did.
    static let pieceSize = 128 << 10

    /// Writes `bytes` at the end of what is on disk (on the pipeline's thread).
    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, min(Self.pieceSize, bytes.count - done), off_t(written) + off_t(done))
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

    func finishHash() throws -> String {
        try flush()
        return hasher.finish()
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
