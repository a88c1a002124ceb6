#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive `flock` on a lock file. The kernel drops it when its holder dies, so a lock left by a
/// killed process is free at once; the holder's pid is written into the file only so that the next
/// holder can say whose lock it took over. Separate `FileLock`s conflict even within one process.
final class FileLock: @unchecked Sendable {
    private var fd: Int32
    let url: URL

    private init(fd: Int32, url: URL) {
        self.fd = fd
        self.url = url
    }

    /// Waits for the lock.
    static func acquire(_ url: URL, diagnostics: @Sendable (String) -> Void) throws -> FileLock {
        try tryAcquire(url, blocking: true, diagnostics: diagnostics)!
    }

    /// Takes the lock if it is free right now; nil when someone holds it.
    ///
    /// The lock file is truncated and written, so it is opened as one of the store's own files
    /// (no link followed, nothing but a single-named regular file): a link planted at its name is
    /// reported with `notOwnFile` and never truncates, chmods or creates a file elsewhere. A
    /// missing `locks/` directory is made first; on read-only storage that fails, saying why.
    static func tryAcquire(
        _ url: URL, blocking: Bool = false, diagnostics: @Sendable (String) -> Void
    ) throws -> FileLock? {
        let fd: Int32
        do {
            fd = try openLockFile(url, diagnostics: diagnostics)
        } catch Platform.ReadFailure.foreign(let what) {
            throw StoreError.notOwnFile(file: url.path, what: what)
        } catch Platform.ReadFailure.system(let reason) {
            throw StoreError.writeFailed(file: url.path, reason: "cannot open lock file: \(reason)")
        }
        _ = fchmod(fd, 0o600)
        while flock(fd, blocking ? LOCK_EX : (LOCK_EX | LOCK_NB)) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw StoreError.writeFailed(file: url.path, reason: "cannot lock: \(Platform.describe(errno: code))")
        }
        let lock = FileLock(fd: fd, url: url)
        if let previous = lock.recordedPID(), previous != Platform.currentPID, !Platform.isProcessAlive(previous) {
            diagnostics("took over a lock left by dead process \(previous) (\(url.lastPathComponent))")
        }
        lock.recordHolder()
        return lock
    }

    /// Opens (creating) a lock file. A missing lock directory (removed by hand, or never made on
    /// read-only storage) is made first, so that a failure names its real cause, not ENOENT.
    private static func openLockFile(_ url: URL, diagnostics: (String) -> Void) throws -> Int32 {
        do {
            return try Platform.openOwnFile(url, flags: O_RDWR | O_CREAT, singleLink: true)
        } catch Platform.ReadFailure.missing {
            try StorageDirectory.prepare(url.deletingLastPathComponent(), required: true, diagnostics: diagnostics)
            do {
                return try Platform.openOwnFile(url, flags: O_RDWR | O_CREAT, singleLink: true)
            } catch Platform.ReadFailure.missing {
                throw Platform.ReadFailure.system(Platform.describe(errno: ENOENT))
            }
        }
    }

    /// Releases the lock (also done on deinit). Clears the recorded pid first, so a clean release
    /// never looks like a dead holder.
    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private func recordedPID() -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }

    private func recordHolder() {
        let text = Array("\(Platform.currentPID)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
}
