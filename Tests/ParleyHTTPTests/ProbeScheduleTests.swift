import Foundation
import Testing

@testable import ParleyHTTP

/// The probe schedule's promise: however long a server stays silent, probes are in flight at most
/// the first window plus `busyShare` of the time waited; and the wait ends at its limit. Run on a
/// clock of the test's own, where every unanswered probe takes its whole window.
@Suite("Probe schedule")
struct ProbeScheduleTests {
    /// A clock that moves only when the loop sleeps or a probe waits out its window.
    final class FakeClock: @unchecked Sendable {
        var now = 100.0
        var inFlight = 0.0
        var windows: [Double] = []
        var pauses: [Double] = []
        /// (time in flight so far, time waited so far) at the end of each probe.
        var samples: [(inFlight: Double, waited: Double)] = []
    }

    /// Runs `schedule` against a server that never answers, up to `limit` seconds.
    func silentRun(_ schedule: ProbeSchedule, limit: Double) async throws -> FakeClock {
        let clock = FakeClock()
        let start = clock.now
        let answer: Int? = try await schedule.run(
            limit: limit,
            probe: { window in
                clock.windows.append(window)
                clock.now += window
                clock.inFlight += window
                clock.samples.append((clock.inFlight, clock.now - start))
                return nil
            },
            waiting: { _, pause in clock.pauses.append(pause) },
            now: { clock.now },
            sleep: { seconds in clock.now += seconds })
        #expect(answer == nil)
        return clock
    }

    @Test func windowsDoubleUpToTheLongest() {
        #expect((0..<6).map { ProbeSchedule.local.window(attempt: $0) } == [0.25, 0.5, 1, 2, 2, 2])
        #expect((0..<4).map { ProbeSchedule.remote.window(attempt: $0) } == [2, 4, 8, 8])
    }

    @Test(arguments: [ProbeSchedule.local, ProbeSchedule.remote])
    func timeInFlightStaysWithinTheFirstWindowAndTheShare(schedule: ProbeSchedule) async throws {
        let clock = try await silentRun(schedule, limit: 3600)
        #expect(clock.windows.count > 3)
        for sample in clock.samples {
            #expect(sample.inFlight <= schedule.firstWindow + schedule.busyShare * sample.waited + 1e-9, "\(sample)")
        }
    }

    /// The figures the README gives for a silent server on this machine: one probe of 0.25 s in
    /// the first 10 s, 1.75 s of probes in 60 s.
    @Test func aSilentLocalServerCostsAFewProbesOverAMinute() async throws {
        let ten = try await silentRun(.local, limit: 10)
        #expect(ten.windows == [0.25])
        let minute = try await silentRun(.local, limit: 60)
        #expect(minute.windows == [0.25, 0.5, 1])
    }

    @Test func theWaitEndsAtItsLimitAndNoProbeStartsAfterIt() async throws {
        let clock = try await silentRun(ProbeSchedule(firstWindow: 1, longestWindow: 1, busyShare: 0.5), limit: 4.5)
        // Probes at 0, 2 and 4 (each after a 1 s pause); the last is cut to the half second left.
        #expect(clock.windows == [1, 1, 0.5])
        #expect(clock.now - 100 == 4.5)
        #expect(clock.pauses == [1, 1])
    }

    @Test func aPauseThatWouldOutlastTheLimitIsCutAndEndsTheWait() async throws {
        let clock = try await silentRun(ProbeSchedule(firstWindow: 1, longestWindow: 1, busyShare: 0.1), limit: 5)
        #expect(clock.windows == [1])
        #expect(clock.pauses == [4])
        #expect(clock.now - 100 == 5)
    }

    @Test func theFirstAnswerEndsTheWait() async throws {
        let clock = FakeClock()
        var probes = 0
        let answer: String? = try await ProbeSchedule.local.run(
            limit: 60,
            probe: { window in
                probes += 1
                clock.now += window
                return probes == 3 ? "models" : nil
            },
            waiting: { attempt, pause in clock.pauses.append(pause) },
            now: { clock.now },
            sleep: { clock.now += $0 })
        #expect(answer == "models")
        #expect(probes == 3)
        #expect(clock.pauses == [ProbeSchedule.local.pause(beforeAttempt: 1), ProbeSchedule.local.pause(beforeAttempt: 2)])
    }
}
