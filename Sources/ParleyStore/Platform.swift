#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The thin layer of system calls the store makes. Everything OS-specific is in this file.
package enum Platform {
    /// The text of an errno value, for error messages.
    package static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    static var currentPID: Int32 { getpid() }

    /// Writes all of `data` to `fd`, going on after short writes and EINTR. Returns 0, or the errno
    /// of the write that failed.
    package static func writeAll(_ data: Data, to fd: Int32) -> Int32 {
        data.withUnsafeBytes { writeAll($0, to: fd) }
    }

    package static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32) -> Int32 {
        guard let base = buffer.baseAddress else { return 0 }
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, base + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }

    /// Fills all of `buffer` from `fd`, going on after short reads and EINTR. Returns 0, the errno
    /// of the read that failed, or -1 when the file ends first.
    static func readAll(_ buffer: UnsafeMutableRawBufferPointer, from fd: Int32) -> Int32 {
        guard let base = buffer.baseAddress else { return 0 }
        var offset = 0
        while offset < buffer.count {
            let n = read(fd, base + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return -1 }
            offset += n
        }
        return 0
    }

    /// True when a process with this id exists (also when it belongs to another user).
    static func isProcessAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }

    /// Size, modification time and inode of a file, or nil when it does not exist.
    static func stamp(ofPath path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Stamps of many files in one directory (nil entries for files that vanished), resolving each
    /// name relative to one open directory instead of walking the whole path every time. A link is
    /// stamped as the link, not its target, so a planted one is decoded (and reported) like any
    /// changed file instead of passing for the file it points at.
    static func stamps(in directory: URL, names: [String]) -> [FileStamp?] {
        let dirFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { return names.map { _ in nil } }
        defer { close(dirFD) }
        var info = stat()
        return names.map { name in
            fstatat(dirFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? FileStamp(info) : nil
        }
    }

    static func stamp(ofDescriptor fd: Int32) -> FileStamp? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Reads a whole file through one descriptor, returning its bytes and the stamp of exactly the
    /// file read (so an index entry never pairs new content with an old stamp or the reverse).
    package static func readFile(_ url: URL) throws -> (data: Data, stamp: FileStamp) {
        let fd = try openOwnFile(url, flags: O_RDONLY)
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

    package enum ReadFailure: Error, Equatable {
        case missing
        case system(String)
        /// Something other than a file Parley wrote stands at the path (what it is, e.g. "a
        /// symbolic link"): it is left alone.
        case foreign(String)
    }

    /// Opens a file inside storage, where every name should be Parley's own regular file. The last
    /// component is never followed if it is a symlink (`O_NOFOLLOW`: a link planted in storage must
    /// not lead a read, truncate or chmod to a file elsewhere, nor an `O_CREAT` to create one), a
    /// FIFO never blocks the open (`O_NONBLOCK`, which regular files ignore), and anything but a
    /// regular file is refused. With `singleLink`, a file with other names (a hard link to a file
    /// elsewhere) is refused too: for opens that truncate or chmod. Not for reads, which may meet
    /// the brief second name of a file being created by link-then-unlink.
    package static func openOwnFile(_ url: URL, flags: Int32, singleLink: Bool = false) throws -> Int32 {
        let fd = open(url.path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw ReadFailure.missing }
            if code == ELOOP || code == EMLINK { throw ReadFailure.foreign("a symbolic link") }
            throw ReadFailure.system(describe(errno: code))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw ReadFailure.system(describe(errno: code))
        }
        if let what = foreignKind(info, singleLink: singleLink) {
            close(fd)
            throw ReadFailure.foreign(what)
        }
        return fd
    }

    /// What makes a file not one of Parley's own, or nil when it is a plain regular file.
    private static func foreignKind(_ info: stat, singleLink: Bool) -> String? {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return singleLink && info.st_nlink > 1 ? "a file with other names (hard links)" : nil
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// What stands at `url` if it is not a regular file (nil: a regular file, or nothing), without
    /// following a link.
    package static func foreignKind(at url: URL) -> String? {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return nil }
        return foreignKind(info, singleLink: false)
    }

    /// Names in a directory (no `.`/`..`), or an empty list when it does not exist. Read with
    /// `readdir` directly: for 10,000 conversations several times faster than FileManager, and every
    /// start of Parley reads `conversations/` once (the temp-file sweep).
    package static func fileNames(in url: URL) -> [String] {
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

    package static func fileExists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    /// Moves `from` to `to` without ever replacing an existing `to` (hard link, then unlink).
    /// Returns false when `to` is taken; throws for other failures, and `foreign` when `from` is
    /// not a regular file (a link planted in storage is not moved about as if it were a file).
    package static func moveNoReplace(from: URL, to: URL) throws -> Bool {
        if let what = foreignKind(at: from) { throw ReadFailure.foreign(what) }
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

    /// Removes one of Parley's own files; a missing file is fine, and anything but a regular file
    /// (a link planted where a temp file or cache was expected) is left where it is.
    package static func removeFile(_ url: URL) {
        guard foreignKind(at: url) == nil else { return }
        _ = unlink(url.path)
    }

    /// Sets the mode of one of Parley's own files through a descriptor opened without following a
    /// link, so a link (or a hard link to a file elsewhere) never passes the chmod on to another file.
    static func setOwnFileMode(_ url: URL, _ mode: mode_t) {
        guard let fd = try? openOwnFile(url, flags: O_RDONLY, singleLink: true) else { return }
        _ = fchmod(fd, mode)
        close(fd)
    }
}

/// What identifies one version of a file cheaply: size, modification time and inode. The store
/// replaces files by rename, so every save gives a new inode as well as a new mtime.
package struct FileStamp: Sendable, Equatable {
    package var size: Int64
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
