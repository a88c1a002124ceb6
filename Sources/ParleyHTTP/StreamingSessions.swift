import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The process's URLSessions for streaming requests, one per request timeout, with one delegate
/// that routes each task's callbacks to its `StreamingTaskHandler`.
///
/// Why shared: on Linux, URLSession (libcurl driven by dispatch sources) keeps the socket's write
/// source after the request has been sent on a NEW connection, and the always-writable socket then
/// wakes it in a loop for the whole transfer — a streamed reply cost most of a core whatever its
/// rate (measured: 85% of a core for 20 tokens a second). A transfer on a reused connection starts
/// with no write interest and sleeps until bytes arrive. One session per process lets every request
/// after the first reuse the server's connection.
final class StreamingSessions: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    static let shared = StreamingSessions(inline: false)

    /// Sessions for downloads written by a `BodySink`: their delegate calls run on
    /// FoundationNetworking's own queue, at once (`InlineOperationQueue`), so each piece is written
    /// before libcurl reads the next — the only way to slow a transfer down to the disk on Linux
    /// (it cannot be paused), and a thread hop fewer per 16 KiB piece.
    static let downloads = StreamingSessions(inline: true)

    private let inline: Bool

    private init(inline: Bool) {
        self.inline = inline
    }

    private let lock = NSLock()
    private var sessions: [TimeInterval: URLSession] = [:]
    private var handlers: [ObjectIdentifier: StreamingTaskHandler] = [:]

    /// A task for `request` (not yet resumed) whose callbacks go to `handler`.
    func dataTask(with request: URLRequest, handler: StreamingTaskHandler) -> URLSessionDataTask {
        let session = session(timeout: request.timeoutInterval)
        let task = session.dataTask(with: request)
        // FoundationNetworking tells the *task's* delegate when libcurl resends a request (and only
        // then: every other callback goes to the session's delegate).
        task.delegate = self
        lock.withLock { handlers[ObjectIdentifier(task)] = handler }
        return task
    }

    private func session(timeout: TimeInterval) -> URLSession {
        lock.withLock {
            if let session = sessions[timeout] { return session }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = timeout
            configuration.httpCookieStorage = nil
            configuration.urlCache = nil
            let queue: OperationQueue = inline ? InlineOperationQueue() : DispatchOperationQueue()
            let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
            sessions[timeout] = session
            return session
        }
    }

    private func handler(_ task: URLSessionTask) -> StreamingTaskHandler? {
        lock.withLock { handlers[ObjectIdentifier(task)] }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        handler(dataTask)?.received(response)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        handler(dataTask)?.received(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let handler = lock.withLock { handlers.removeValue(forKey: ObjectIdentifier(task)) }
        handler?.completed(with: error)
    }

    /// libcurl sends a request a second time (its reused connection was closed under it) and
    /// needs the body again: refused, and the request ended for the caller to retry whole (see
    /// `TransportResendRefused`). A stream handed here for a body held in memory would stop the
    /// process.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, needNewBodyStream completionHandler: @escaping (InputStream?) -> Void
    ) {
        completionHandler(nil)
        handler(task)?.refuseResend()
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
