#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore
import ParleyStore

/// The few file operations on `<storage>/models/` beyond what the store offers, each by the
/// store's rules: no link followed where Parley expects its own file, caps on what is read.
enum OwnFiles {
    /// A small file of Parley's own (a sidecar, a record), or nil when it is missing, longer than
    /// `limit`, a link or anything but a regular file.
    static func readSmall(_ url: URL, limit: Int) -> Data? {
        guard let fd = try? Platform.openOwnFile(url, flags: O_RDONLY) else { return nil }
        defer { close(fd) }
        return try? BoundedFile.read(descriptor: fd, limit: limit)
    }

    /// Bytes free for an unprivileged writer in the file system holding `directory`.
    static func availableBytes(in directory: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(directory.path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// The size of a regular file (not following a link), or nil.
    static func regularFileSize(_ url: URL) -> Int64? {
        var info = stat()
        guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}
