import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny HTTP/1.1 server for tests that misbehaves on request: slow, cut-off, silent, redirecting,
/// or answering with errors, exactly as each test scripts it.
///
/// It listens on 127.0.0.1 on a free port, serves each connection on its own thread with plain
/// POSIX sockets, answers one request per connection (`Connection: close`) unless
/// `keepsConnectionsOpen` is set, records every request, and notices when a client goes away
/// before its answer is over (see `disconnectCount`).
///
/// ```swift
/// let server = try FaultServer()
/// server.route("POST", "/v1/chat/completions", .openAIStream(pieces: ["Hel", "lo"]))
/// // ... point the client at server.baseURL (http://127.0.0.1:PORT/v1)
/// ```
///
/// Responses for a route are used in order; the last one keeps being used, so one `route` call
/// covers any number of requests, and `route(.., a, b)` answers `a` first and `b` ever after.
/// Unrouted requests get a 404 with an OpenAI-style error.
///
/// The server keeps running until `stop()` (its listening thread holds it alive), so a test may
/// call `stop()` when done or leave it to the end of the test process.
public final class FaultServer: @unchecked Sendable {
    public let port: UInt16
    public let host: String
    private let listener: Int32
    private let lock = NSLock()
    private var routes: [String: [FaultResponse]] = [:]
    private var recorded: [FaultRequest] = []
    private var disconnects = 0
    /// When each body piece was written, with the path of the request it answered.
    private var writeTimes: [(path: String, time: ContinuousClock.Instant)] = []
    private var openConnections: Set<Int32> = []
    private var acceptedConnections = 0
    private var stopped = false
    private var keepAlive = false

    /// Answers with `Connection: keep-alive` and reads the next request on the same connection
    /// after each complete answer, as llama.cpp's server and most proxies do; so a test can make
    /// a client reuse a connection (and then break it, with `FaultResponse.hangUp`).
    public var keepsConnectionsOpen: Bool {
        get { lock.withLock { keepAlive } }
        set { lock.withLock { keepAlive = newValue } }
    }

    /// Starts listening at once on `127.0.0.1` and a port the system picks.
    public init() throws {
        host = "127.0.0.1"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FaultServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw FaultServerError.socket("bind/listen", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT/v1`, the base URL an OpenAI client wants.
    public var baseURL: URL { url("/v1") }

    /// A URL on this server; `host` may be `localhost` to look like another origin.
    public func url(_ path: String, host: String = "127.0.0.1") -> URL {
        URL(string: "http://\(host):\(port)\(path)")!
    }

    /// Adds responses for a method and path (the path without query).
    public func route(_ method: String, _ path: String, _ responses: FaultResponse...) {
        lock.withLock { routes[method.uppercased() + " " + path, default: []] += responses }
    }

    /// Adds a list of responses for a method and path.
    public func route(_ method: String, _ path: String, responses: [FaultResponse]) {
        lock.withLock { routes[method.uppercased() + " " + path, default: []] += responses }
    }

    /// Every request received so far, in order.
    public var requests: [FaultRequest] { lock.withLock { recorded } }

    public func requests(to path: String) -> [FaultRequest] {
        requests.filter { $0.path.split(separator: "?").first.map(String.init) == path }
    }

    /// When each body piece (`.send` step) finished being written, over all responses in order;
    /// for measuring how long a piece takes to reach the client's consumer.
    public var bodyWriteTimes: [ContinuousClock.Instant] { lock.withLock { writeTimes.map(\.time) } }

    /// `bodyWriteTimes` of the answers to requests for one path (without query), e.g. only the
    /// chat stream when a client also asked for `/models`.
    public func bodyWriteTimes(to path: String) -> [ContinuousClock.Instant] {
        lock.withLock { writeTimes.filter { $0.path == path }.map(\.time) }
    }

    /// How many clients went away before their answer was complete.
    public var disconnectCount: Int { lock.withLock { disconnects } }

    /// Waits (polling) until at least `count` early disconnects were seen; false on timeout.
    public func waitForDisconnects(_ count: Int = 1, timeout: Double = 60) async -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if disconnectCount >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return disconnectCount >= count
    }

    /// Waits (polling) until at least `count` requests arrived; false on timeout.
    public func waitForRequests(_ count: Int, timeout: Double = 20) async -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if requests.count >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return requests.count >= count
    }

    /// Stops listening and closes every open connection. Safe to call twice.
    ///
    /// File descriptors are only shut down here; the thread that owns each one closes it, under
    /// the lock, so a number freed here can never be reused by another server while a thread of
    /// this one still uses it.
    public func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            for fd in openConnections { shutdown(fd, Int32(SHUT_RDWR)) }
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    // MARK: - Serving

    /// Runs until `stop()`; it holds the server alive until then, and closes the listening socket.
    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            var yes: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let number = lock.withLock { () -> Int? in
                if stopped { return nil }
                openConnections.insert(fd)
                acceptedConnections += 1
                return acceptedConnections
            }
            guard let number else {
                close(fd)
                return
            }
            Thread.detachNewThread { [self] in
                serve(fd, connection: number)
                lock.withLock {
                    _ = openConnections.remove(fd)
                    close(fd)
                }
            }
        }
    }

    private func serve(_ fd: Int32, connection: Int) {
        while var request = readRequest(fd) {
            request.connection = connection
            let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
            let response: FaultResponse = lock.withLock {
                recorded.append(request)
                let key = request.method + " " + path
                guard var queue = routes[key], let first = queue.first else {
                    return .openAIError(status: 404, message: "no route for \(key) in this test", code: "not_found")
                }
                if queue.count > 1 {
                    queue.removeFirst()
                    routes[key] = queue
                }
                return first
            }
            if response.hangsUp { return }
            if response.isSilent {
                if waitForClientToLeave(fd, seconds: nil) { noteDisconnect() }
                return
            }
            let reuse = keepsConnectionsOpen && response.ending == .complete && response.framing != .untilClose
            if !send(response, on: fd, path: path, keepAlive: reuse) {
                noteDisconnect()
                return
            }
            if !reuse { return }
        }
    }

    /// Sends a response; false when the client went away first.
    private func send(_ response: FaultResponse, on fd: Int32, path: String, keepAlive: Bool) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for header in response.headers { head += "\(header.name): \(header.value)\r\n" }
        switch response.framing {
        case .contentLength:
            let length = response.steps.reduce(0) { if case .send(let b) = $1 { $0 + b.count } else { $0 } }
            head += "Content-Length: \(length)\r\n"
        case .chunked:
            head += "Transfer-Encoding: chunked\r\n"
        case .untilClose:
            break
        }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        guard write(Array(head.utf8), to: fd) else { return false }
        for step in response.steps {
            switch step {
            case .pause(let seconds):
                if waitForClientToLeave(fd, seconds: seconds) { return false }
            case .send(let bytes):
                let framed: [UInt8]
                if response.framing == .chunked {
                    guard !bytes.isEmpty else { continue }
                    framed = Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8)
                } else {
                    framed = bytes
                }
                guard write(framed, to: fd) else { return false }
                let now = ContinuousClock.now
                lock.withLock { writeTimes.append((path, now)) }
            }
        }
        switch response.ending {
        case .complete:
            if response.framing == .chunked { return write(Array("0\r\n\r\n".utf8), to: fd) }
            return true
        case .drop:
            // Reset rather than a clean close, as a crashed server or a cut cable looks.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            return true
        case .hang:
            return !waitForClientToLeave(fd, seconds: nil)
        }
    }

    private func write(_ bytes: [UInt8], to fd: Int32) -> Bool { SocketIO.sendAll(bytes, to: fd) }

    /// Watches the connection for `seconds` (nil: until the server stops). True when the client
    /// closed it (end of file or reset) in that time.
    private func waitForClientToLeave(_ fd: Int32, seconds: Double?) -> Bool {
        let end = seconds.map { Date().addingTimeInterval($0) }
        while true {
            if isStopped { return false }
            var timeout: Int32 = 50
            if let end {
                let left = end.timeIntervalSinceNow
                if left <= 0 { return false }
                timeout = Int32(min(50, max(1, left * 1000)))
            }
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollfd, 1, timeout)
            if ready < 0 && errno != EINTR { return true }
            if ready > 0 {
                if pollfd.revents & Int16(POLLHUP | POLLERR) != 0 { return !isStopped }
                var byte: UInt8 = 0
                let got = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
                if got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR) { return !isStopped }
                // Extra bytes from the client: drain them and keep watching.
                _ = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
            }
        }
    }

    private func noteDisconnect() {
        lock.withLock { disconnects += 1 }
    }

    /// Reads one request (head and `Content-Length` body); answers `Expect: 100-continue`.
    private func readRequest(_ fd: Int32) -> FaultRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            let got = recv(fd, &chunk, chunk.count, 0)
            if got <= 0 { return nil }
            buffer += chunk[0..<got]
            // Not HTTP at all (a TLS handshake, binary junk): hang up as a plain HTTP server does.
            if let first = buffer.first, !(first >= 0x41 && first <= 0x5A) {
                _ = write(Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8), to: fd)
                return nil
            }
            headEnd = Self.find(separator, in: buffer)
            if buffer.count > 1 << 20 { return nil }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(headEnd! + 4)...])
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        if length > body.count, headers["expect"]?.lowercased() == "100-continue" {
            _ = write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: fd)
        }
        while body.count < length {
            let got = recv(fd, &chunk, min(chunk.count, length - body.count), 0)
            if got <= 0 { return nil }
            body += chunk[0..<got]
        }
        return FaultRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: Data(body))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// The server could not start.
public struct FaultServerError: Error, CustomStringConvertible {
    public var call: String
    public var code: Int32
    init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
    }
    static func socket(_ call: String, _ code: Int32) -> FaultServerError { FaultServerError(call, code) }
    public var description: String { "FaultServer: \(call) failed: \(String(cString: strerror(code)))" }
}
