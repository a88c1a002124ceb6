import Foundation
import ParleyTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP server for the streaming benchmark, keeping connections open as real servers do:
/// `GET` gets a model list and every POST the same event stream,
/// written in batches on a fixed schedule measured from the first chunk (batch `k` goes out at
/// `k * perBatch / perSecond` seconds), so small delays in waking up do not add up and the rate
/// stays at `perSecond` chunks a second. (The test server's relative pauses cannot be shorter than
/// a millisecond and drift by one each time; one chunk per pause reached only about 800 a second.)
final class PacedStreamServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let head: [UInt8]
    private let chunks: [[UInt8]]
    private let tail: [UInt8]
    private let perSecond: Double
    private let perBatch: Int
    private let lock = NSLock()
    private var lastSendSeconds: [Double] = []

    /// `head` goes out at once, then `chunks` on the schedule, then `tail`. Each is raw event-stream
    /// text; the server adds the HTTP chunked framing.
    init(head: [UInt8], chunks: [[UInt8]], tail: [UInt8], perSecond: Int, perBatch: Int) throws {
        self.head = head
        self.chunks = chunks
        self.tail = tail
        self.perSecond = Double(perSecond)
        self.perBatch = max(1, perBatch)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Seconds from the first to the last chunk of the most recent stream, and how many chunks it sent.
    var lastStream: (seconds: Double, chunks: Int) {
        lock.withLock { (lastSendSeconds.last ?? 0, chunks.count) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    /// Answers requests on one connection until the client closes it, keeping it open between
    /// them as real servers do: `GET .../models` gets a model list, any other request the stream.
    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        while let method = readRequest(fd) {
            if method == "GET" {
                let body = #"{"object":"list","data":[{"id":"m","object":"model"}]}"#
                let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
                guard send(Array(response.utf8), fd) else { return }
                continue
            }
            guard stream(fd) else { return }
        }
    }

    /// One event stream on the schedule; false when the client went away.
    private func stream(_ fd: Int32) -> Bool {
        let response = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n"
        guard send(Array(response.utf8), fd), send(framed(head), fd) else { return false }
        let start = ContinuousClock.now
        var index = 0
        var batch = 0
        while index < chunks.count {
            let due = start + .seconds(Double(batch * perBatch) / perSecond)
            let wait = due - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
            let end = min(chunks.count, index + perBatch)
            guard send(framed(Array(chunks[index..<end].joined())), fd) else { return false }
            index = end
            batch += 1
        }
        let elapsed = ContinuousClock.now - start
        lock.withLock { lastSendSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) }
        return send(framed(tail) + Array("0\r\n\r\n".utf8), fd)
    }

    private func framed(_ bytes: [UInt8]) -> [UInt8] {
        Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8)
    }

    /// Reads one request's head and body (by Content-Length) and returns its method; nil when the
    /// client closed the connection. Clients here never pipeline, so nothing follows the body.
    private func readRequest(_ fd: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            received += buffer[0..<n]
            guard let end = received.firstRange(of: separator)?.upperBound else { continue }
            let headText = String(decoding: received[..<end], as: UTF8.self)
            var length = 0
            for line in headText.lowercased().split(separator: "\r\n") where line.hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            if received.count - end >= length { return headText.split(separator: " ").first.map(String.init) ?? "" }
        }
    }

    private func send(_ bytes: [UInt8], _ fd: Int32) -> Bool { SocketIO.sendAll(bytes, to: fd) }
}
