import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// No byte arrived for the idle timeout.
struct TransportIdleTimeout: Error {}

/// A redirect that is not followed: to a scheme other than http(s), or without a Location. Before,
/// its empty answer looked like a dropped connection and was retried.
struct TransportRedirectRefused: Error {
    var location: String?
}

/// More redirects in a row than `RedirectPolicy.maxRedirects`.
struct TransportRedirectLoop: Error {}

/// What arrives from the network for one request.
enum TransportEvent: Sendable {
    /// The status line and headers (names lowercased).
    case response(status: Int, headers: [String: String])
    case bytes(Data)
}

/// The one place that touches URLSession: streams one request's response as it arrives.
///
/// On Linux `bytes(for:)` does not exist and per-task delegates never fire, so the requests share
/// sessions whose delegate routes each task's callbacks to it (see `StreamingSessions`, which also
/// says why connections are reused). Dropping or cancelling the stream cancels the task.
///
/// The idle timeout is enforced here, not by URLSession: on Linux its `timeoutInterval` is cut to
/// whole seconds (0.5 s fires at once). URLSession's own timeout stays as a looser backstop.
enum HTTPStreamTransport {
    /// Streams the response to `request`, following redirects (see `RedirectPolicy`), with at most
    /// `TransportFlow.limit` bytes waiting for the consumer.
    static func stream(_ request: URLRequest, idleTimeout: Double) -> TransportEvents {
        let flow = TransportFlow()
        let events = AsyncThrowingStream<TransportEvent, Error> { continuation in
            let task = Task {
                var current = request
                do {
                    for _ in 0...RedirectPolicy.maxRedirects {
                        var next: URLRequest?
                        for try await event in exchange(current, idleTimeout: idleTimeout, flow: flow) {
                            if case .response(let status, let headers) = event, RedirectPolicy.isRedirect(status) {
                                guard
                                    let redirect = RedirectPolicy.follow(
                                        status: status, location: headers["location"], from: current, original: request)
                                else { throw TransportRedirectRefused(location: headers["location"]) }
                                next = redirect
                                break  // ends this exchange and closes its connection
                            }
                            continuation.yield(event)
                        }
                        guard let next else {
                            continuation.finish()
                            return
                        }
                        current = next
                    }
                    continuation.finish(throwing: TransportRedirectLoop())
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return TransportEvents(events: events, flow: flow)
    }

    /// One request and its response, redirects not followed.
    private static func exchange(
        _ request: URLRequest, idleTimeout: Double, flow: TransportFlow
    ) -> AsyncThrowingStream<TransportEvent, Error> {
        AsyncThrowingStream { continuation in
            var request = request
            // A body goes out as a stream that can be made again: when a reused connection turns out
            // to be closed, libcurl resends the request on a new one and asks for the body anew;
            // a plain `httpBody` cannot be rewound on Linux, and the retry went out with its old
            // Content-Length and no body, then hung (see `StreamingSessions`).
            // FoundationNetworking gives libcurl no length for a stream, so libcurl would frame it
            // as chunked; the length goes in the header instead, and a Transfer-Encoding header
            // with only a space (which libcurl drops rather than sends) stops the chunked framing.
            let body = request.httpBody
            if let body {
                request.httpBody = nil
                request.httpBodyStream = InputStream(data: body)
                request.setValue(String(body.count), forHTTPHeaderField: "Content-Length")
                request.setValue(" ", forHTTPHeaderField: "Transfer-Encoding")
            }
            let handler = StreamingTaskHandler(continuation: continuation, body: body, flow: flow)
            request.timeoutInterval = (idleTimeout + 5).rounded(.up)
            let sessions = StreamingSessions.shared
            let task = sessions.dataTask(with: request, handler: handler)
            let watchdog = IdleWatchdog(timeout: idleTimeout) {
                continuation.finish(throwing: TransportIdleTimeout())
                task.cancel()
            }
            handler.watchdog = watchdog
            handler.cancelTask = { task.cancel() }
            // Cancelling a task whose response has not fully arrived makes libcurl close its
            // connection (it cannot be reused mid-body), so the server sees the cancel.
            continuation.onTermination = { _ in
                watchdog.stop()
                task.cancel()
            }
            watchdog.start()
            task.resume()
        }
    }
}

/// One task's callbacks, routed to it by `StreamingSessions`, forwarded to its stream.
final class StreamingTaskHandler: @unchecked Sendable {
    private let continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation
    /// The request's body, to hand out again when the request is resent.
    private let body: Data?
    private let flow: TransportFlow
    /// Set before the task starts, read only on the session's delegate queue afterwards.
    var watchdog: IdleWatchdog?
    /// Cancels the URLSession task; set before the task starts.
    var cancelTask: (@Sendable () -> Void)?
    /// The transfer is being stopped: nobody reads any more, or too much waits. The rest is dropped.
    private var abandoned = false

    init(
        continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation, body: Data? = nil,
        flow: TransportFlow = TransportFlow()
    ) {
        self.continuation = continuation
        self.body = body
        self.flow = flow
    }



    /// A fresh stream of the whole body, for a request that is sent again.
    func newBodyStream() -> InputStream? {
        body.map { InputStream(data: $0) }
    }

    func received(_ response: URLResponse) {
        if let http = response as? HTTPURLResponse {
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            continuation.yield(.response(status: http.statusCode, headers: headers))
        }
        watchdog?.touch()
    }

    func received(_ data: Data) {
        watchdog?.touch()
        guard !abandoned else { return }
        guard flow.handedOver(data.count) else {
            abandoned = true
            watchdog?.stop()
            continuation.finish(throwing: TransportFlowOverrun())
            cancelTask?()
            return
        }
        // The consumer is gone (it stopped at a size cap, or was cancelled): stop the transfer
        // from here too, without waiting for the cancel from its side to come round.
        if case .terminated = continuation.yield(.bytes(data)) {
            abandoned = true
            cancelTask?()
        }
    }

    func completed(with error: Error?) {
        watchdog?.stop()
        if let error {
            continuation.finish(throwing: error)
        } else {
            continuation.finish()
        }
    }
}
