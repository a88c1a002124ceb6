import Foundation
import ParleyCore

/// Saves a draft's text to a file the user names (`-o FILE`, `/save FILE`).
///
/// Without `overwrite`, an existing file (or anything else at that path, even a dangling link) is
/// never touched: the text is written to a temporary file beside it and hard-linked into place,
/// which fails atomically if the name is taken — no window in which another writer's file could
/// be replaced. With `overwrite`, the text replaces the file atomically by rename, keeping its
/// permissions. Either way a reader never sees half a file.
public enum DraftFile {
    public static func save(_ text: String, to path: String, overwrite: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SaveError.noDirectory(path: path, directory: directory.path)
        }
        if !overwrite && exists(path) { throw SaveError.exists(path: path) }
        var existingMode: mode_t?
        var info = stat()
        if overwrite && stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw SaveError.isDirectory(path: path) }
            existingMode = info.st_mode & 0o7777
        }

        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).parley-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw SaveError.failed(path: path, reason: lastError()) }
        var body = text
        if !body.isEmpty && !body.hasSuffix("\n") { body += "\n" }
        do {
            try writeAll(fd, Array(body.utf8), path: path)
            if let existingMode { fchmod(fd, existingMode) }
            guard fsync(fd) == 0 else { throw SaveError.failed(path: path, reason: lastError()) }
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        defer { unlink(temp) }
        if overwrite {
            guard rename(temp, path) == 0 else { throw SaveError.failed(path: path, reason: lastError()) }
        } else if link(temp, path) != 0 {
            if errno == EEXIST { throw SaveError.exists(path: path) }
            throw SaveError.failed(path: path, reason: lastError())
        }
        let dirFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// True when something (a file, a directory, a link even if dangling) is at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SaveError.failed(path: path, reason: lastError())
            }
            offset += n
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    public enum SaveError: UserFacingError, Equatable {
        case exists(path: String)
        case isDirectory(path: String)
        case noDirectory(path: String, directory: String)
        case failed(path: String, reason: String)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) already exists; not overwriting it (use --force to replace it)"
            case .isDirectory(let path): return "\(path) is a directory; give a file name"
            case .noDirectory(let path, let directory): return "cannot write \(path): the directory \(directory) does not exist"
            case .failed(let path, let reason): return "cannot write \(path): \(reason)"
            }
        }
    }
}
