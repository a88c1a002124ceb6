import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The process's URLSessions for streaming requests, one per server and request timeout, with one
/// delegate that routes each task's callbacks to its `StreamingTaskHandler`.
///
/// Why shared: on Linux, URLSession drives libcurl with dispatch sources, and FoundationNetworking
/// (6.3) creates a write source when libcurl first wants to write to a socket (a new connection
/// connecting, then the request going out) but removes it only when libcurl gives the socket up
/// altogether, which happens when the request on it ends. Meanwhile the always-writable socket
/// wakes libcurl in a loop: a core, for as long as the FIRST request on a new connection lasts,
/// whether it streams (85 % at 20 tokens a second) or waits for a server that never answers (95 %).
/// Neither the settings tried (connections per host, pipelining), nor the body's kind (in memory,
/// a stream, an upload from data or from a file), nor suspend/resume avoids it (suspending closes
/// the connection and sends the request again); a request on a connection whose first request has
/// ended starts with read interest only and sleeps until bytes arrive. Sessions that live as long
/// as the process let requests reuse the server's connection, and
/// `OpenAIBackend` makes sure a long request is never the first on its connection (see
/// `ProbeSchedule`).
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

    /// Which session a request goes to: one per server and request timeout. Per server, because
    /// a session is one libcurl connection pool: requests to other servers in the same pool (probes
    /// given up, connections closed) sometimes made libcurl drop the connection a `/models` answer
    /// had just left idle, and the reply went out on a new one (2 runs of the HTTP tests in 18; none in
    /// 16 after).
    private struct SessionKey: Hashable {
        var timeout: TimeInterval
        var origin: String

        init(_ request: URLRequest) {
            timeout = request.timeoutInterval
            let url = request.url
            origin = "\(url?.scheme ?? "")://\(url?.host ?? ""):\(url?.port ?? -1)".lowercased()
        }
    }

    private let lock = NSLock()
    private var sessions: [SessionKey: URLSession] = [:]
    private var handlers: [ObjectIdentifier: StreamingTaskHandler] = [:]

    /// A task for `request` (not yet resumed) whose callbacks go to `handler`.
    func dataTask(with request: URLRequest, handler: StreamingTaskHandler) -> URLSessionDataTask {
        let session = session(for: SessionKey(request))
        let task = session.dataTask(with: request)
        // FoundationNetworking tells the *task's* delegate when libcurl resends a request (and only
        // then: every other callback goes to the session's delegate).
        task.delegate = self
        lock.withLock { handlers[ObjectIdentifier(task)] = handler }
        return task
    }

    private func session(for key: SessionKey) -> URLSession {
        lock.withLock {
            if let session = sessions[key] { return session }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = key.timeout
            configuration.httpCookieStorage = nil
            configuration.urlCache = nil
            let queue: OperationQueue = inline ? InlineOperationQueue() : DispatchOperationQueue()
            let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
            sessions[key] = session
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
