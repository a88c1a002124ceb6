import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// No byte arrived for the idle timeout.
struct TransportIdleTimeout: Error {}

/// No answer (not even its status line) arrived within the window a probe was given (see
/// `ProbeSchedule`); the request was cancelled, which closes its connection.
struct TransportNoAnswer: Error {}

/// A redirect that is not followed: to a scheme other than http(s), or without a Location. Before,
/// its empty answer looked like a dropped connection and was retried.
struct TransportRedirectRefused: Error {
    var location: String?
}

/// More redirects in a row than `RedirectPolicy.maxRedirects`.
struct TransportRedirectLoop: Error {}

/// libcurl wanted to send the request again on a new connection (the reused one was closed
/// under it) and asked for the body anew, which FoundationNetworking cannot give for a body held
/// in memory: the resend would go out with its Content-Length and no body, and hang. The request
/// is ended instead, as a connection dropped before any reply, which the caller may retry whole.
struct TransportResendRefused: Error {}

/// What arrives from the network for one request.
public enum TransportEvent: Sendable {
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
    /// `TransportFlow.limit` bytes waiting for the consumer. With an `answerWindow`, a request whose
    /// answer has not begun within that many seconds ends with `TransportNoAnswer`. With a `sink`,
    /// the body goes to it where it arrives (see `BodySink`).
    static func stream(
        _ request: URLRequest, idleTimeout: Double, answerWindow: Double? = nil, sink: BodySink? = nil
    ) -> TransportEvents {
        let flow = TransportFlow()
        let events = AsyncThrowingStream<TransportEvent, Error> { continuation in
            let task = Task {
                var current = request
                do {
                    for _ in 0...RedirectPolicy.maxRedirects {
                        var next: URLRequest?
                        let events = exchange(current, idleTimeout: idleTimeout, answerWindow: answerWindow, flow: flow, sink: sink)
                        for try await event in events {
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
        _ request: URLRequest, idleTimeout: Double, answerWindow: Double?, flow: TransportFlow, sink: BodySink?
    ) -> AsyncThrowingStream<TransportEvent, Error> {
        AsyncThrowingStream { continuation in
            var request = request
            // The body stays in memory (`httpBody`). Sent from a stream it could be resent, but
            // libcurl then kept polling the socket for the whole reply (a core at 20 tokens a
            // second); a resend is refused instead (see `TransportResendRefused`).
            let handler = StreamingTaskHandler(continuation: continuation, flow: flow, sink: sink)
            request.timeoutInterval = (idleTimeout + 5).rounded(.up)
            let sessions = sink == nil ? StreamingSessions.shared : StreamingSessions.downloads
            let task = sessions.dataTask(with: request, handler: handler)
            let watchdog = IdleWatchdog(timeout: idleTimeout) {
                continuation.finish(throwing: TransportIdleTimeout())
                task.cancel()
            }
            let answerWatch = answerWindow.map { window in
                IdleWatchdog(timeout: window) {
                    watchdog.stop()
                    continuation.finish(throwing: TransportNoAnswer())
                    task.cancel()
                }
            }
            handler.watchdog = watchdog
            handler.answerWatch = answerWatch
            handler.cancelTask = { task.cancel() }
            // Cancelling a task whose response has not fully arrived makes libcurl close its
            // connection (it cannot be reused mid-body), so the server sees the cancel. A task
            // that has ended is left alone: its end reaches the stream from inside
            // FoundationNetworking's completion, and a cancel then could cost the connection the
            // next request is meant to reuse.
            continuation.onTermination = { _ in
                watchdog.stop()
                answerWatch?.stop()
                if handler.taskHasEnded { return }
                if sink == nil {
                    task.cancel()
                } else {
                    // A download's stream ends on FoundationNetworking's own queue (its delegate
                    // calls run there), and `cancel()` waits for that queue.
                    DispatchQueue.global().async { task.cancel() }
                }
            }
            watchdog.start()
            answerWatch?.start()
            task.resume()
        }
    }
}

/// One task's callbacks, routed to it by `StreamingSessions`, forwarded to its stream.
final class StreamingTaskHandler: @unchecked Sendable {
    private let continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation
    private let flow: TransportFlow
    /// Set before the task starts, read only on the session's delegate queue afterwards.
    var watchdog: IdleWatchdog?
    /// Ends the request when no answer has begun within a probe's window; stopped by the answer.
    var answerWatch: IdleWatchdog?
    /// Cancels the URLSession task; set before the task starts.
    var cancelTask: (@Sendable () -> Void)?
    private let lock = NSLock()
    /// The transfer is being stopped: nobody reads any more, too much waits, or a resend was
    /// refused. The rest is dropped.
    private var stopped = false
    private var abandoned: Bool {
        get { lock.withLock { stopped } }
        set { lock.withLock { stopped = newValue } }
    }

    /// Takes the body in place of the stream (see `BodySink`); touched on the delegate queue only.
    private let sink: BodySink?
    /// The final (not redirecting) answer was accepted by the sink: its body goes there.
    private var sinking = false

    init(
        continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation, flow: TransportFlow = TransportFlow(),
        sink: BodySink? = nil
    ) {
        self.continuation = continuation
        self.flow = flow
        self.sink = sink
    }

    /// libcurl is about to send the request again without its body (see
    /// `TransportResendRefused`). Called on FoundationNetworking's work queue, where ending the
    /// stream (whose end cancels the task, and `cancel()` waits for that queue) would wait for
    /// itself: both happen on another thread, the error first.
    func refuseResend() {
        abandoned = true
        watchdog?.stop()
        answerWatch?.stop()
        let continuation = self.continuation
        let cancel = cancelTask
        DispatchQueue.global().async {
            continuation.finish(throwing: TransportResendRefused())
            cancel?()
        }
    }

    func received(_ response: URLResponse) {
        if let http = response as? HTTPURLResponse {
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            if let sink, !RedirectPolicy.isRedirect(http.statusCode) {
                sinking = sink.acceptResponse(http.statusCode, headers)
                if !sinking {
                    let cancel = cancelTask
                    DispatchQueue.global().async { cancel?() }
                }
            }
            continuation.yield(.response(status: http.statusCode, headers: headers))
        }
        answerWatch?.stop()
        watchdog?.touch()
    }

    func received(_ data: Data) {
        watchdog?.touch()
        guard !abandoned else { return }
        if let sink {
            // Written where it arrives: nothing waits for a reader, so no flow limit applies.
            guard sinking else { return }
            if !data.withUnsafeBytes({ sink.take($0) }) {
                abandoned = true
                // On FoundationNetworking's own queue here (see `StreamingSessions.downloads`),
                // which `cancel()` waits for: it runs from another thread.
                let cancel = cancelTask
                DispatchQueue.global().async { cancel?() }
            }
            return
        }
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

    /// The task told its delegate it is complete (with or without an error).
    var taskHasEnded: Bool { lock.withLock { ended } }
    private var ended = false

    func completed(with error: Error?) {
        lock.withLock { ended = true }
        watchdog?.stop()
        answerWatch?.stop()
        if let error {
            continuation.finish(throwing: error)
        } else {
            continuation.finish()
        }
    }
}
