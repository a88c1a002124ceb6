import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// No byte arrived for the idle timeout.
struct TransportIdleTimeout: Error {}

/// What arrives from the network for one request.
enum TransportEvent: Sendable {
    /// The status line and headers (names lowercased).
    case response(status: Int, headers: [String: String])
    case bytes(Data)
}

/// The one place that touches URLSession: streams one request's response as it arrives.
///
/// On Linux `bytes(for:)` does not exist and per-task delegates never fire, so each request gets
/// its own session with a session-level delegate. Dropping or cancelling the stream cancels the
/// task and invalidates the session at once, which closes the connection.
///
/// The idle timeout is enforced here, not by URLSession: on Linux its `timeoutInterval` is cut to
/// whole seconds (0.5 s fires at once). URLSession's own timeout stays as a looser backstop.
enum HTTPStreamTransport {
    /// Streams the response to `request`, following redirects (see `RedirectPolicy`).
    static func stream(_ request: URLRequest, idleTimeout: Double) -> AsyncThrowingStream<TransportEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var current = request
                do {
                    for _ in 0...RedirectPolicy.maxRedirects {
                        var next: URLRequest?
                        for try await event in exchange(current, idleTimeout: idleTimeout) {
                            if case .response(let status, let headers) = event,
                                let redirect = RedirectPolicy.follow(
                                    status: status, location: headers["location"], from: current, original: request)
                            {
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
                    continuation.finish(throwing: URLError(.httpTooManyRedirects))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// One request and its response, redirects not followed.
    private static func exchange(_ request: URLRequest, idleTimeout: Double) -> AsyncThrowingStream<TransportEvent, Error> {
        AsyncThrowingStream { continuation in
            let delegate = StreamingDelegate(continuation: continuation)
            var request = request
            request.timeoutInterval = (idleTimeout + 5).rounded(.up)
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = request.timeoutInterval
            configuration.httpCookieStorage = nil
            configuration.urlCache = nil
            let queue = OperationQueue()
            queue.maxConcurrentOperationCount = 1
            let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
            let task = session.dataTask(with: request)
            let watchdog = IdleWatchdog(timeout: idleTimeout) {
                continuation.finish(throwing: TransportIdleTimeout())
                task.cancel()
                session.invalidateAndCancel()
            }
            delegate.watchdog = watchdog
            continuation.onTermination = { _ in
                watchdog.stop()
                task.cancel()
                session.invalidateAndCancel()
            }
            watchdog.start()
            task.resume()
        }
    }
}

/// Receives one task's callbacks on the session's serial queue and forwards them to the stream.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation
    /// Set before the task starts, read only on the delegate queue afterwards.
    var watchdog: IdleWatchdog?

    init(continuation: AsyncThrowingStream<TransportEvent, Error>.Continuation) {
        self.continuation = continuation
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse {
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            continuation.yield(.response(status: http.statusCode, headers: headers))
        }
        watchdog?.touch()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        watchdog?.touch()
        continuation.yield(.bytes(data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        watchdog?.stop()
        if let error {
            continuation.finish(throwing: error)
        } else {
            continuation.finish()
        }
        session.finishTasksAndInvalidate()
    }

    /// Redirects are followed by `HTTPStreamTransport.stream` itself: refusing here hands the 3xx
    /// response over as the answer.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
