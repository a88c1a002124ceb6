import Testing

@testable import ParleyTUI

@Suite("Frame throttle")
struct FrameThrottleTests {
    /// Replays pieces arriving every `gap` for `count` pieces, with the timer firing when it is due,
    /// and returns the times frames were drawn and whether the last piece reached the screen.
    func replay(count: Int, gap: Duration, interval: Duration = .milliseconds(33)) -> (frames: [Duration], lastShown: Bool) {
        let start = ContinuousClock.now
        var throttle = FrameThrottle(interval: interval)
        var frames: [Duration] = []
        var timerDue: Duration?
        var dirty = false
        func handle(_ decision: FrameThrottle.Decision, at t: Duration) {
            switch decision {
            case .draw:
                throttle.drew(at: start + t)
                frames.append(t)
                dirty = false
            case .startTimer(let wait): timerDue = t + wait
            case .wait: break
            }
        }
        handle(throttle.changed(at: start, streamed: false), at: .zero)  // the first frame
        for i in 1...count {
            let t = gap * i
            while let due = timerDue, due <= t {
                timerDue = nil
                throttle.timerFired()
                if dirty { handle(throttle.changed(at: start + due, streamed: true), at: due) }
            }
            dirty = true
            handle(throttle.changed(at: start + t, streamed: true), at: t)
        }
        while let due = timerDue {
            timerDue = nil
            throttle.timerFired()
            if dirty { handle(throttle.changed(at: start + due, streamed: true), at: due) }
        }
        return (frames, !dirty)
    }

    @Test func twoThousandPiecesASecondDrawAboutThirtyFramesASecond() {
        let (frames, lastShown) = replay(count: 4_000, gap: .microseconds(500))
        #expect(lastShown)
        // Two seconds of text: at most one frame per 33 ms, plus the first.
        #expect(frames.count <= 2 * 31 + 1)
        #expect(frames.count >= 2 * 25)
        for (a, b) in zip(frames.dropFirst(), frames.dropFirst(2)) { #expect(b - a >= .milliseconds(33)) }
    }

    @Test func slowTextIsDrawnAsItComes() {
        let (frames, lastShown) = replay(count: 10, gap: .milliseconds(100))
        #expect(lastShown)
        #expect(frames.count == 11)
    }

    @Test func inputIsNeverHeldBack() {
        var throttle = FrameThrottle(interval: .milliseconds(33))
        let t0 = ContinuousClock.now
        throttle.drew(at: t0)
        #expect(throttle.changed(at: t0 + .milliseconds(1), streamed: false) == .draw)
        #expect(throttle.changed(at: t0 + .milliseconds(1), streamed: true) == .startTimer(.milliseconds(32)))
        #expect(throttle.changed(at: t0 + .milliseconds(2), streamed: true) == .wait)
        throttle.timerFired()
        #expect(throttle.changed(at: t0 + .milliseconds(33), streamed: true) == .draw)
    }
}
