#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The thin layer of system calls the store makes. Everything OS-specific is in this file.
enum Platform {
    /// The text of an errno value, for error messages.
    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    static var currentPID: Int32 { getpid() }

    /// `write(2)`, named apart so types with their own `write` methods can call it.
    static func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        write(fd, buffer, count)
    }

    /// True when a process with this id exists (also when it belongs to another user).
    static func isProcessAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }

    /// Creates the directory if needed and sets it to `mode`, whatever the umask.
    static func ensureDirectory(_ url: URL, mode: mode_t) throws {
        let path = url.path
        if mkdir(path, mode) != 0 && errno != EEXIST {
            let code = errno
            if code == ENOENT {
                do {
                    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                } catch {
                    throw StoreError.cannotPrepareDirectory(path: path, reason: "\(error.localizedDescription)")
                }
            } else {
                throw StoreError.cannotPrepareDirectory(path: path, reason: describe(errno: code))
            }
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError.cannotPrepareDirectory(path: path, reason: describe(errno: errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError.cannotPrepareDirectory(path: path, reason: "it exists and is not a directory")
        }
        if chmod(path, mode) != 0 {
            throw StoreError.cannotPrepareDirectory(path: path, reason: describe(errno: errno))
        }
    }

    /// Size, modification time and inode of a file, or nil when it does not exist.
    static func stamp(ofPath path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Stamps of many files in one directory (nil entries for files that vanished), resolving each
    /// name relative to one open directory instead of walking the whole path every time.
    static func stamps(in directory: URL, names: [String]) -> [FileStamp?] {
        let dirFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { return names.map { _ in nil } }
        defer { close(dirFD) }
        var info = stat()
        return names.map { name in
            fstatat(dirFD, name, &info, 0) == 0 ? FileStamp(info) : nil
        }
    }

    static func stamp(ofDescriptor fd: Int32) -> FileStamp? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Reads a whole file through one descriptor, returning its bytes and the stamp of exactly the
    /// file read (so an index entry never pairs new content with an old stamp or the reverse).
    static func readFile(_ url: URL) throws -> (data: Data, stamp: FileStamp) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw ReadFailure.missing }
            throw ReadFailure.system(describe(errno: code))
        }
        defer { close(fd) }
        guard let stamp = stamp(ofDescriptor: fd) else { throw ReadFailure.system(describe(errno: errno)) }
        var data = Data(count: Int(max(stamp.size, 0)))
        var total = 0
        var failure: Int32 = 0
        data.withUnsafeMutableBytes { buffer in
            while total < buffer.count {
                let n = read(fd, buffer.baseAddress! + total, buffer.count - total)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { break }
                total += n
            }
        }
        if failure != 0 { throw ReadFailure.system(describe(errno: failure)) }
        if total < data.count { data.count = total }
        // A file that grew after fstat (never done by the store, which replaces files) is read on.
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return (data, stamp)
    }

    enum ReadFailure: Error {
        case missing
        case system(String)
    }

    /// Names in a directory (no `.`/`..`), or an empty list when it does not exist. Read with
    /// `readdir` directly: for 10,000 conversations several times faster than FileManager, and every
    /// start of Parley reads `conversations/` once (the temp-file sweep).
    static func fileNames(in url: URL) -> [String] {
        guard let directory = opendir(url.path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func fileExists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    /// Moves `from` to `to` without ever replacing an existing `to` (hard link, then unlink).
    /// Returns false when `to` is taken; throws for other failures.
    static func moveNoReplace(from: URL, to: URL) throws -> Bool {
        if link(from.path, to.path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            if code == ENOENT { throw ReadFailure.missing }
            // Filesystems without hard links: fall back to a checked rename.
            if fileExists(to) { return false }
            if rename(from.path, to.path) != 0 { throw ReadFailure.system(describe(errno: errno)) }
            return true
        }
        if unlink(from.path) != 0 {
            let code = errno
            _ = unlink(to.path)
            throw ReadFailure.system(describe(errno: code))
        }
        return true
    }

    /// Removes a file; a missing file is fine.
    static func removeFile(_ url: URL) {
        _ = unlink(url.path)
    }

    static func setFileMode(_ url: URL, _ mode: mode_t) {
        _ = chmod(url.path, mode)
    }
}

/// What identifies one version of a file cheaply: size, modification time and inode. The store
/// replaces files by rename, so every save gives a new inode as well as a new mtime.
struct FileStamp: Sendable, Equatable {
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64
    var inode: UInt64

    init(size: Int64, modifiedSeconds: Int64, modifiedNanoseconds: Int64, inode: UInt64) {
        self.size = size
        self.modifiedSeconds = modifiedSeconds
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
    }

    init(_ info: stat) {
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int64(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
        inode = UInt64(info.st_ino)
    }
}
