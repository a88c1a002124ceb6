/// Decides when the chat screen draws a frame: at once for input and everything else, but while
/// reply text streams in at most one frame per `interval` (a model can send thousands of pieces a
/// second; a terminal needs about 30 frames). A piece arriving too soon after the last frame asks
/// for one timer that draws whatever has arrived by then, so the last piece is never left undrawn.
///
/// Pure: the caller passes the clock in, draws when told, and reports the timer firing.
public struct FrameThrottle: Sendable {
    public let interval: Duration
    private var lastFrame: ContinuousClock.Instant?
    private var timerPending = false

    public init(interval: Duration) {
        self.interval = interval
    }

    public enum Decision: Sendable, Equatable {
        /// Draw now.
        case draw
        /// Start a timer for this long, then call `timerFired` and ask again.
        case startTimer(Duration)
        /// A timer is already on its way; do nothing now.
        case wait
    }

    /// Something changed at `now`. `streamed` says it was reply text (which may wait), not input.
    public mutating func changed(at now: ContinuousClock.Instant, streamed: Bool) -> Decision {
        guard streamed, let lastFrame else { return .draw }
        let elapsed = now - lastFrame
        if elapsed >= interval { return .draw }
        if timerPending { return .wait }
        timerPending = true
        return .startTimer(interval - elapsed)
    }

    /// The timer started by `.startTimer` went off: the next change decides afresh.
    public mutating func timerFired() {
        timerPending = false
    }

    /// A frame was drawn at `now`.
    public mutating func drew(at now: ContinuousClock.Instant) {
        lastFrame = now
    }
}
