#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParleyCore

/// Writes a file the user named (`-o FILE`, the chat's `/export FILE` and `/save FILE`), doing to
/// what is already there only what the user asked for:
///
/// - nothing there: a new file, mode 0600 (exports hold conversations), appearing whole or not at all;
/// - a regular file: replaced atomically, keeping its mode, and only with `force`;
/// - a FIFO or character device (`/dev/stdout`, a pipe someone reads), or `-` for standard output:
///   written in place, streamed, never renamed over; a block device holds data, so only with `force`;
/// - a symbolic link: followed to its target, to which the rules above apply; the link stays;
/// - a directory or a socket: refused.
///
/// The temp file of a replacement is made beside the target with an unpredictable name,
/// `O_CREAT|O_EXCL|O_NOFOLLOW` (see `TempFileName`): a link planted in that directory is never
/// written through.
public enum OutputFile {
    public enum Failure: UserFacingError, Equatable {
        case exists(path: String)
        case isDirectory(path: String)
        case noDirectory(path: String, directory: String)
        case unsupported(path: String, what: String)
        case failed(path: String, reason: String)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) already exists; not overwriting it"
            case .isDirectory(let path): return "\(path) is a directory; give a file name"
            case .noDirectory(let path, let directory): return "cannot write \(path): the directory \(directory) does not exist"
            case .unsupported(let path, let what): return "cannot write \(path): it is \(what)"
            case .failed(let path, let reason): return "cannot write \(path): \(reason)"
            }
        }
    }

    /// Writes `data` to `path` by the rules above.
    public static func write(_ data: Data, to path: String, force: Bool) throws {
        if path == "-" { return try stream(data, into: STDOUT_FILENO, path: path) }
        switch try plan(path, force: force) {
        case .stream(let resolved):
            let fd = open(resolved, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure.failed(path: path, reason: Platform.describe(errno: errno)) }
            defer { close(fd) }
            // Something else may have been put there since the look: never write into a file in place.
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG else {
                throw Failure.failed(path: path, reason: "it changed while it was being opened; try again")
            }
            try stream(data, into: fd, path: path)
        case .create(let resolved):
            try replace(resolved, with: data, keeping: nil, replacing: force, path: path)
        case .replace(let resolved, let existing):
            try replace(resolved, with: data, keeping: existing, replacing: true, path: path)
        }
    }

    /// Throws what `write(_:to:force:)` would refuse, writing nothing: for commands that check
    /// before spending a model's time on what they would then not be allowed to save.
    public static func check(_ path: String, force: Bool) throws {
        if path != "-" { _ = try plan(path, force: force) }
    }

    /// What writing to a path comes to, once links are followed.
    private enum Plan {
        case stream(String)
        case create(String)
        /// A regular file, with its stat (mode and owner are kept).
        case replace(String, stat)
    }

    private static func plan(_ path: String, force: Bool) throws -> Plan {
        guard !path.isEmpty else { throw Failure.failed(path: path, reason: "no file name was given") }
        let resolved = try followLinks(path)
        var info = stat()
        guard lstat(resolved, &info) == 0 else {
            let code = errno
            guard code == ENOENT else { throw Failure.failed(path: path, reason: Platform.describe(errno: code)) }
            let directory = (resolved as NSString).deletingLastPathComponent
            var parent = stat()
            guard stat(directory.isEmpty ? "." : directory, &parent) == 0, (parent.st_mode & S_IFMT) == S_IFDIR else {
                throw Failure.noDirectory(path: path, directory: directory.isEmpty ? "." : directory)
            }
            return .create(resolved)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard force else { throw Failure.exists(path: path) }
            return .replace(resolved, info)
        case S_IFDIR:
            throw Failure.isDirectory(path: path)
        case S_IFIFO, S_IFCHR:
            return .stream(resolved)
        case S_IFBLK:
            guard force else { throw Failure.exists(path: path) }
            return .stream(resolved)
        default:
            throw Failure.unsupported(path: path, what: "a socket or another special file")
        }
    }

    /// The path a chain of symbolic links ends at (the path itself when it is no link). The end
    /// may not exist yet: a dangling link's target is where a new file goes.
    private static func followLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw Failure.failed(path: path, reason: Platform.describe(errno: errno)) }
            let destination = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/")
                ? destination : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        throw Failure.failed(path: path, reason: Platform.describe(errno: ELOOP))
    }

    /// Atomic replacement of a regular file (or creation of a new one): temp file beside it,
    /// written, flushed, then renamed over it (`replacing`) or hard-linked to its name, which fails
    /// if something appeared there meanwhile.
    private static func replace(_ resolved: String, with data: Data, keeping existing: stat?, replacing: Bool, path: String) throws {
        let target = URL(fileURLWithPath: resolved)
        let directory = target.deletingLastPathComponent()
        let fd: Int32
        let temp: URL
        do {
            (fd, temp) = try TempFileName.create(in: directory, for: target.lastPathComponent)
        } catch let failure as TempFileName.Failure {
            throw Failure.failed(path: path, reason: failure.reason)
        }
        var committed = false
        defer {
            if !committed { unlink(temp.path) }
        }
        do {
            defer { close(fd) }
            try stream(data, into: fd, path: path)
            if let existing {
                // Owner first: a chown may clear mode bits. Either may be refused to a non-owner;
                // the new file is then the writer's, private.
                _ = fchown(fd, existing.st_uid, existing.st_gid)
                _ = fchmod(fd, existing.st_mode & 0o777)
            }
            guard FileSync.system.sync(fd) == 0 else { throw Failure.failed(path: path, reason: Platform.describe(errno: errno)) }
        }
        if replacing {
            guard rename(temp.path, resolved) == 0 else { throw Failure.failed(path: path, reason: Platform.describe(errno: errno)) }
        } else {
            guard link(temp.path, resolved) == 0 else {
                if errno == EEXIST { throw Failure.exists(path: path) }
                throw Failure.failed(path: path, reason: Platform.describe(errno: errno))
            }
            unlink(temp.path)
        }
        committed = true
        // The new name is in place; a failed flush of the directory is no reason to report failure.
        try? AtomicFile(fileSync: .system).syncDirectory(directory)
    }

    private static func stream(_ data: Data, into fd: Int32, path: String) throws {
        let failure = Platform.writeAll(data, to: fd)
        if failure != 0 { throw Failure.failed(path: path, reason: Platform.describe(errno: failure)) }
    }
}
