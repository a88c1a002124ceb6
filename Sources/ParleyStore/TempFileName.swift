#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Temp files for atomic replacement, in the directory of the file they will replace.
///
/// Names start with a dot (hidden, never taken for a conversation), carry the writer's pid (so a
/// store opening later can tell a crashed writer's leftovers from live ones) and 64 random bits, so
/// no one can guess a name ahead and plant a link there. The file is opened
/// `O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600: whatever already stands at a name, even a link, is
/// never opened, and the next random name is tried instead.
enum TempFileName {
    static let prefix = ".parley-tmp-"
    /// Longest part of the target's name kept in the temp name, so it stays under NAME_MAX (255).
    static let maxTargetBytes = 180

    /// `.parley-tmp-<pid>-<random>-<target name>`
    static func make(for targetName: String, pid: Int32) -> String {
        let random = UInt64.random(in: 0...UInt64.max)
        let name = targetName.utf8.count <= maxTargetBytes
            ? targetName : String(decoding: targetName.utf8.prefix(maxTargetBytes), as: UTF8.self)
        return "\(prefix)\(pid)-\(String(random, radix: 16))-\(name)"
    }

    /// The pid in a temp file name, or nil when the name is not one of ours.
    static func pid(in name: String) -> Int32? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-") else { return nil }
        return Int32(rest[rest.startIndex..<dash])
    }

    /// Why no temp file could be made.
    struct Failure: Error {
        var code: Int32
        var reason: String { Platform.describe(errno: code) }
    }

    /// Creates a new, empty temp file for `targetName` in `directory` and returns its descriptor
    /// (open for writing) and location. Retries with a new random name while a name is taken.
    static func create(in directory: URL, for targetName: String) throws(Failure) -> (fd: Int32, url: URL) {
        var code: Int32 = EEXIST
        for _ in 0..<100 {
            let url = directory.appendingPathComponent(make(for: targetName, pid: Platform.currentPID), isDirectory: false)
            let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                // The mode given to open is cut by the umask; a temp file is private either way.
                _ = fchmod(fd, 0o600)
                return (fd, url)
            }
            code = errno
            if code != EEXIST && code != EINTR { break }
        }
        throw Failure(code: code)
    }
}
