#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The directories of a storage root (and of the document stores beside it).
///
/// Only a directory Parley creates is made private (0700, whatever the umask). One that exists is
/// used as it is and never chmodded: `--storage /tmp` or a shared 1777 directory must not be
/// turned into `drwx------` for everyone, and a link such as `trash -> /elsewhere` must not pass a
/// chmod on to its target. An existing directory that others can reach is reported, once per
/// process, and left alone.
package enum StorageDirectory {
    /// Makes sure `url` is a usable directory. With `required: false` (opening a store), a
    /// directory that cannot be created because the file system is read-only or not writable is
    /// not an error: reading what is there still works, and a later write fails saying why. With
    /// `required: true` (just before writing into it) every failure is thrown.
    package static func prepare(_ url: URL, required: Bool, diagnostics: (String) -> Void) throws {
        let path = url.path
        var code = make(path)
        if code == ENOENT {
            // A missing parent (first run: ~/.local/share may not exist yet). Parents are ordinary
            // directories, made with the usual permissions; only the storage directory is private.
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                code = make(path)
            } catch {
                code = (error as NSError).underlyingPOSIXCode ?? EACCES
            }
        }
        switch code {
        case 0:
            return
        case EEXIST:
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw StoreError.cannotPrepareDirectory(path: path, reason: Platform.describe(errno: errno))
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw StoreError.cannotPrepareDirectory(path: path, reason: "it exists and is not a directory")
            }
            let permissions = info.st_mode & 0o7777
            if permissions & 0o077 != 0 && LooseDirectoryWarnings.shared.isFirst(path) {
                diagnostics(
                    "warning: \(path) is open to others (mode \(String(permissions, radix: 8))); Parley leaves its "
                        + "permissions as they are. Keep conversations in a private directory (chmod 700).")
            }
        case EROFS, EACCES, EPERM:
            if required { throw StoreError.cannotPrepareDirectory(path: path, reason: Platform.describe(errno: code)) }
        default:
            throw StoreError.cannotPrepareDirectory(path: path, reason: Platform.describe(errno: code))
        }
    }

    /// Creates one directory and, only then, sets its mode (mkdir's mode is cut by the umask).
    /// Returns 0 or the errno of the failure.
    private static func make(_ path: String) -> Int32 {
        guard mkdir(path, 0o700) == 0 else { return errno }
        // Set through a descriptor of the directory just made, never through a name swapped since.
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            _ = fchmod(fd, 0o700)
            close(fd)
        }
        return 0
    }
}

/// The paths already warned about in this process: the conversation store and each document
/// store open the same root, and one warning is enough.
private final class LooseDirectoryWarnings: @unchecked Sendable {
    static let shared = LooseDirectoryWarnings()
    private let lock = NSLock()
    private var warned: Set<String> = []

    func isFirst(_ path: String) -> Bool {
        lock.withLock { warned.insert(path).inserted }
    }
}

extension NSError {
    /// The errno behind a Foundation file error, when there is one.
    fileprivate var underlyingPOSIXCode: Int32? {
        if domain == NSPOSIXErrorDomain { return Int32(code) }
        return (userInfo[NSUnderlyingErrorKey] as? NSError)?.underlyingPOSIXCode
    }
}
