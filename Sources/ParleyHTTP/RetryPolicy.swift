/// Decides whether a failed attempt is tried again, and after how long.
///
/// Only transient failures (429, 5xx, a dropped connection) are retried, and only before any of the
/// reply has arrived: once text has been shown, a silent retry would show a different answer glued
/// to the first. A server asking to wait longer than `longestRetryAfter` is not waited for.
public struct RetryPolicy: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        /// Wait `after` seconds, tell the user `notice`, then try again.
        case retry(after: Double, notice: String)
        case fail
    }

    /// Retries after the first attempt.
    public var maxRetries: Int
    /// The first backoff delay in seconds; it doubles with every retry.
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest Retry-After the client waits for (two minutes).
    public var longestRetryAfter: Double

    public init(maxRetries: Int = 3, baseDelay: Double = 1, maxDelay: Double = 30, longestRetryAfter: Double = 120) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.longestRetryAfter = longestRetryAfter
    }

    /// - Parameters:
    ///   - retriesSoFar: how many retries were already made (0 after the first attempt failed).
    ///   - replyStarted: some of the reply (text or reasoning) already reached the user.
    ///   - retryAfter: the delay the server asked for, if any.
    ///   - timeLeft: seconds until the overall deadline, if there is one.
    public func decide(
        after error: HTTPBackendError, status: Int?, retryAfter: Double?, retriesSoFar: Int, replyStarted: Bool,
        timeLeft: Double? = nil
    ) -> Decision {
        guard error.isTransient, !replyStarted, retriesSoFar < maxRetries else { return .fail }
        let delay: Double
        if let retryAfter {
            guard retryAfter <= longestRetryAfter else { return .fail }
            delay = retryAfter
        } else {
            delay = backoff(retriesSoFar: retriesSoFar)
        }
        if let timeLeft, delay >= timeLeft { return .fail }
        let cause = status.map { "\($0) \(HTTPBackendError.reasonPhrase($0))" } ?? "a dropped connection"
        return .retry(
            after: delay,
            notice: "retrying in \(HTTPBackendError.duration(delay)) after \(cause) (retry \(retriesSoFar + 1) of \(maxRetries))")
    }

    /// Exponential backoff: baseDelay, 2×, 4×, … capped at maxDelay.
    public func backoff(retriesSoFar: Int) -> Double {
        min(maxDelay, baseDelay * Double(1 << min(retriesSoFar, 20)))
    }
}
