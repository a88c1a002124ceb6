import Foundation

/// How Parley waits for a server that has not answered yet: short requests ("probes") with pauses
/// between them, instead of one request left waiting.
///
/// Why: on Linux, URLSession keeps a write source on a new connection's socket until the first
/// request on it ends, and the always-writable socket wakes it in a loop (a core; see
/// `StreamingSessions`). A request left waiting for a server that never answers costs a core for
/// the whole idle timeout (60 s at 95 % before), and nothing URLSession offers ends that loop
/// sooner. So the request that may wait long only ever goes out on a connection that has already
/// answered once (where nothing loops), and until the server has answered anything, a probe is in
/// flight at most `busyShare` of the time.
///
/// A probe may wait `window(attempt:)` seconds for the first byte of an answer. Each window
/// doubles the one before, up to `longestWindow`; before each probe after the first comes a pause
/// that earns its window: however many probes go unanswered, the time spent in flight never
/// exceeds the first window plus `busyShare` of the time waited.
struct ProbeSchedule: Sendable, Equatable {
    /// How long the first probe waits for an answer.
    var firstWindow: Double
    /// The most a probe waits for an answer.
    var longestWindow: Double
    /// The share of the waiting time a probe may be in flight, after the first.
    var busyShare: Double

    /// A server on this machine or the local network answers a `/models` request in milliseconds,
    /// even while it generates for someone else: a quarter of a second is ample.
    static let local = ProbeSchedule(firstWindow: 0.25, longestWindow: 2, busyShare: 0.04)

    /// Further away a new connection needs its TCP and TLS handshakes before the request even
    /// goes out: two seconds cover three round trips of 600 ms.
    static let remote = ProbeSchedule(firstWindow: 2, longestWindow: 8, busyShare: 0.04)

    /// The schedule for a server at `host` (see `LocalNetworkHost`).
    static func forHost(_ host: String) -> ProbeSchedule {
        LocalNetworkHost.contains(host) ? .local : .remote
    }

    /// How long probe number `attempt` (from 0) waits for an answer.
    func window(attempt: Int) -> Double {
        min(longestWindow, firstWindow * Double(1 << min(max(attempt, 0), 20)))
    }

    /// The pause before probe number `attempt` (from 1): long enough that its window is at most
    /// `busyShare` of the pause and the window together.
    func pause(beforeAttempt attempt: Int) -> Double {
        window(attempt: attempt) * (1 - busyShare) / busyShare
    }

    /// Runs `probe` with each window in turn until it returns an answer, or until `limit` seconds
    /// have passed since the start; nil then. `probe` gets the window (cut to the time left) and
    /// returns nil when no answer came within it. `waiting` hears of each unanswered probe, with the
    /// pause that follows. A pause that would reach past `limit` is cut there, and no probe follows.
    ///
    /// `now` (seconds, any origin) and `sleep` are the clock; tests pass their own.
    func run<Answer>(
        limit: Double,
        probe: (Double) async throws -> Answer?,
        waiting: (_ attempt: Int, _ pause: Double) -> Void = { _, _ in },
        now: () -> Double = ProbeSchedule.monotonicSeconds,
        sleep: (Double) async throws -> Void = ProbeSchedule.sleep
    ) async throws -> Answer? {
        let start = now()
        var attempt = 0
        while true {
            let left = limit - (now() - start)
            guard left > 0 else { return nil }
            if let answer = try await probe(min(window(attempt: attempt), left)) { return answer }
            attempt += 1
            let pause = pause(beforeAttempt: attempt)
            let leftNow = limit - (now() - start)
            guard leftNow > 0 else { return nil }
            waiting(attempt, min(pause, leftNow))
            try await sleep(min(pause, leftNow))
            if pause >= leftNow { return nil }
        }
    }

    /// Seconds on a clock that only moves forward.
    static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Waits `seconds`; throws when the task is cancelled.
    static func sleep(_ seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
    }
}
