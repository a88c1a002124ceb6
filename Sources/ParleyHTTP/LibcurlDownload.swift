import CLibcurl
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A download whose body goes to a `BodySink`, run by the system's libcurl directly on a thread of
/// its own (see `CLibcurl`): each socket read, up to `bufferSize` bytes, is handed to the sink as
/// it is, with no queue between. URLSession on Linux hands a body over in 16 KiB pieces, each
/// through epoll, a wake-up and its delegate queue, which held a pull from this machine's test
/// server to half of curl's speed.
///
/// The same rules as `HTTPStreamTransport`: redirects are followed hop by hop through
/// `RedirectPolicy` (the Authorization header never travels to another origin), the idle timeout
/// ends a transfer that brings nothing for that long, and ending the stream stops the transfer.
enum LibcurlDownload {
    /// Bytes libcurl reads at a time.
    static let bufferSize = 512 * 1024

    /// Whether libcurl could be loaded (it is what FoundationNetworking runs on, so on Linux it is).
    static var isAvailable: Bool { clibcurl_available() != 0 }

    static func stream(_ request: URLRequest, idleTimeout: Double, sink: BodySink) -> TransportEvents {
        let events = AsyncThrowingStream<TransportEvent, Error> { continuation in
            let transfer = LibcurlTransfer(continuation: continuation, idleTimeout: idleTimeout, sink: sink)
            continuation.onTermination = { _ in transfer.cancel() }
            let thread = Thread { transfer.run(request) }
            thread.name = "parley-download"
            thread.start()
        }
        return TransportEvents(events: events, flow: TransportFlow())
    }
}

/// One download's state, touched by its own thread (libcurl's callbacks run there) except for
/// `cancel()`.
final class LibcurlTransfer: @unchecked Sendable {
    private let continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation
    private let idleTimeout: Double
    private let sink: BodySink
    private let lock = NSLock()
    private var cancelled = false

    // The current hop's answer, on the transfer's thread only.
    private var status = 0
    private var headers: [String: String] = [:]
    private var headersEnded = false
    /// The sink took this answer: its body goes there.
    private var sinking = false
    /// The sink refused this answer: the transfer was stopped for that, not for a failure.
    private var refused = false
    private var idleExpired = false
    private var lastActivity = DispatchTime.now().uptimeNanoseconds

    init(continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation, idleTimeout: Double, sink: BodySink) {
        self.continuation = continuation
        self.idleTimeout = idleTimeout
        self.sink = sink
    }

    func cancel() {
        lock.withLock { cancelled = true }
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    func run(_ request: URLRequest) {
        guard let handle = clibcurl_handle_new() else {
            continuation.finish(throwing: URLError(.unknown, userInfo: [NSLocalizedDescriptionKey: "libcurl could not be started"]))
            return
        }
        defer { clibcurl_handle_free(handle) }
        var current = request
        for _ in 0...RedirectPolicy.maxRedirects {
            guard let url = current.url?.absoluteString else { break }
            let result = perform(handle, url: url, headers: current.allHTTPHeaderFields ?? [:])
            if isCancelled {
                continuation.finish(throwing: CancellationError())
                return
            }
            if idleExpired {
                continuation.finish(throwing: TransportIdleTimeout())
                return
            }
            if result.code != Int32(CLIBCURL_OK) && !refused {
                continuation.finish(throwing: Self.urlError(code: result.code, detail: result.detail))
                return
            }
            guard headersEnded, RedirectPolicy.isRedirect(status) else {
                // The answer was taken (or refused) whole: its status and headers went out.
                continuation.finish()
                return
            }
            guard let next = RedirectPolicy.follow(status: status, location: headers["location"], from: current, original: request) else {
                continuation.finish(throwing: TransportRedirectRefused(location: headers["location"]))
                return
            }
            current = next
        }
        continuation.finish(throwing: TransportRedirectLoop())
    }

    private func perform(_ handle: UnsafeMutableRawPointer, url: String, headers requestHeaders: [String: String]) -> (code: Int32, detail: String) {
        status = 0
        headers = [:]
        headersEnded = false
        sinking = false
        refused = false
        lastActivity = DispatchTime.now().uptimeNanoseconds
        let lines = requestHeaders.map { "\($0.key): \($0.value)" }
        var pointers = lines.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var callbacks = clibcurl_callbacks(
            header: { context, line, length in
                Unmanaged<LibcurlTransfer>.fromOpaque(context!).takeUnretainedValue().header(line!, length)
            },
            body: { context, bytes, length in
                Unmanaged<LibcurlTransfer>.fromOpaque(context!).takeUnretainedValue().body(bytes!, length)
            },
            tick: { context in
                Unmanaged<LibcurlTransfer>.fromOpaque(context!).takeUnretainedValue().tick()
            },
            context: Unmanaged.passUnretained(self).toOpaque())
        var error = [CChar](repeating: 0, count: 256)
        let code = pointers.withUnsafeMutableBufferPointer { lineArray in
            lineArray.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constLines in
                clibcurl_get(
                    handle, url, constLines.baseAddress, constLines.count, LibcurlDownload.bufferSize,
                    max(1, Int(idleTimeout.rounded(.up))), &callbacks, &error)
            }
        }
        let detail = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return (code, detail)
    }

    private func touch() {
        lastActivity = DispatchTime.now().uptimeNanoseconds
    }

    /// One header line; the empty line ends the headers, and the answer goes to the sink then.
    private func header(_ line: UnsafePointer<CChar>, _ length: Int) -> Int32 {
        touch()
        let text = String(decoding: UnsafeRawBufferPointer(start: line, count: length), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("HTTP/") {
            // A new status line: an interim answer (100 Continue) or the next one starts over.
            status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
            headers = [:]
            headersEnded = false
            return 0
        }
        if !text.isEmpty {
            if let colon = text.firstIndex(of: ":") {
                let name = text[..<colon].lowercased()
                let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers[name] = value
            }
            return 0
        }
        guard status >= 200 else { return 0 }
        headersEnded = true
        // A redirect's body is dropped; the next hop is decided once it has ended.
        if RedirectPolicy.isRedirect(status) { return 0 }
        sinking = sink.acceptResponse(status, headers)
        continuation.yield(.response(status: status, headers: headers))
        if !sinking {
            refused = true
            return 1
        }
        return 0
    }

    private func body(_ bytes: UnsafePointer<CChar>, _ length: Int) -> Int32 {
        touch()
        guard sinking else { return 0 }
        if isCancelled { return 1 }
        if !sink.take(UnsafeRawBufferPointer(start: bytes, count: length)) {
            refused = true
            return 1
        }
        return 0
    }

    private func tick() -> Int32 {
        if isCancelled { return 1 }
        let idle = Double(DispatchTime.now().uptimeNanoseconds &- lastActivity) / 1e9
        if idle > idleTimeout {
            idleExpired = true
            return 1
        }
        return 0
    }

    /// libcurl's failure as the URLError URLSession would have given, for `ErrorClassifier`.
    static func urlError(code: Int32, detail: String) -> URLError {
        let kind: URLError.Code
        switch code {
        case Int32(CLIBCURL_UNSUPPORTED_PROTOCOL): kind = .unsupportedURL
        case Int32(CLIBCURL_COULDNT_RESOLVE_HOST), Int32(CLIBCURL_COULDNT_RESOLVE_PROXY): kind = .cannotFindHost
        case Int32(CLIBCURL_COULDNT_CONNECT): kind = .cannotConnectToHost
        case Int32(CLIBCURL_OPERATION_TIMEDOUT): kind = .timedOut
        case Int32(CLIBCURL_SSL_CONNECT_ERROR): kind = .secureConnectionFailed
        case Int32(CLIBCURL_PEER_FAILED_VERIFICATION): kind = .serverCertificateUntrusted
        case Int32(CLIBCURL_PARTIAL_FILE), Int32(CLIBCURL_GOT_NOTHING), Int32(CLIBCURL_SEND_ERROR),
            Int32(CLIBCURL_RECV_ERROR), Int32(CLIBCURL_HTTP2), Int32(CLIBCURL_HTTP2_STREAM):
            kind = .networkConnectionLost
        default: kind = .unknown
        }
        return URLError(kind, userInfo: [NSLocalizedDescriptionKey: detail])
    }
}
