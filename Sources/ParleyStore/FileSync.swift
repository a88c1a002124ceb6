#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one seam for flushing to disk. Production uses `fsync`; tests inject a failing one to prove a
/// failed flush fails the save and leaves the previous file in place. Not for anything else.
package struct FileSync: Sendable {
    /// Flushes an open file or directory; returns 0 or sets errno and returns -1, like `fsync`.
    package var sync: @Sendable (_ fd: Int32) -> Int32

    package init(sync: @escaping @Sendable (_ fd: Int32) -> Int32) {
        self.sync = sync
    }

    package static let system = FileSync(sync: { fd in
        #if canImport(Darwin)
        // On Darwin fsync does not reach the platters; F_FULLFSYNC does.
        if fcntl(fd, F_FULLFSYNC) == 0 { return 0 }
        #endif
        return fsync(fd)
    })
}
