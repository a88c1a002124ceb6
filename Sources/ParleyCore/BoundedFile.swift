import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a small file that came from outside (a persona, a template, the config) whole, but only
/// a regular file and only up to a size limit.
///
/// Why not `Data(contentsOf:)`: it blocks for ever on a FIFO, reads a device without end, and
/// loads a file of any size before anyone can look at it. Here the file is opened without
/// blocking, checked with `fstat` on the descriptor (so it cannot be swapped between the check and
/// the read), and never read past `limit + 1` bytes, whatever it claims its size is.
public enum BoundedFile {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing
        /// A FIFO, a directory, a device or a socket: named by `kind`.
        case notRegular(kind: String)
        case tooLarge(size: Int, limit: Int)
        case unreadable(reason: String)

        public var description: String {
            switch self {
            case .missing: return "no such file"
            case .notRegular(let kind): return "not a regular file (\(kind)); it was not read"
            case .tooLarge(let size, let limit):
                return "the file is \(ByteCountText.describe(size)), more than the \(ByteCountText.describe(limit)) allowed; it was not read"
            case .unreadable(let reason): return reason
            }
        }
    }

    /// The whole file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(Failure) -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .missing }
            throw .unreadable(reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else { throw .notRegular(kind: kindName(type)) }
        if Int(info.st_size) > limit { throw .tooLarge(size: Int(info.st_size), limit: limit) }
        // Read to the end whatever the size said: the file may have grown since.
        return try read(descriptor: fd, limit: limit)
    }

    /// Everything readable from `fd` up to its end, at most `limit` bytes: `tooLarge` as soon as
    /// there is more (the rest is never read). For files and for standard input alike.
    public static func read(descriptor fd: Int32, limit: Int) throws(Failure) -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while data.count <= limit {
            let got = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .unreadable(reason: String(cString: strerror(errno)))
            }
            data.append(contentsOf: chunk[0..<got])
        }
        if data.count > limit { throw .tooLarge(size: data.count, limit: limit) }
        return data
    }

    static func kindName(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a directory"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a plain file"
        }
    }
}
