#if canImport(Glibc)
    import Glibc
#endif

/// Blocking socket writes for the test and benchmark servers.
public enum SocketIO {
    /// Sends every byte (retrying after signals, never raising SIGPIPE); false when the peer is gone.
    public static func sendAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }
}
