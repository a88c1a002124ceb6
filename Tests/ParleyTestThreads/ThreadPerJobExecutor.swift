import Foundation

/// A task executor that never makes a job wait for another: each job goes to an idle thread of
/// its own, and a new thread is started when none is idle.
///
/// Why: Swift's global executor here runs on as many threads as the machine has cores (two).
/// A test that blocks one of them (waiting for a process, polling with `usleep`, running a model
/// for seconds) holds up every other test's continuations behind it; in the full suite the HTTP
/// tests' continuations waited a minute and their idle timeouts fired. Tests that block run here
/// instead (see `HeavyTestTrait`), and the shared threads stay free.
public final class ThreadPerJobExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = ThreadPerJobExecutor()

    /// Enough for the deep recursion of debug builds (the main thread has 8 MiB too).
    private static let stackSize = 8 << 20
    /// An idle thread ends after this long without work.
    private static let idleLifetime: TimeInterval = 30

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    /// Threads waiting for a job; each of them takes one of `jobs`.
    private var waiting = 0

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let startThread = jobs.count > waiting
        if !startThread { condition.signal() }
        condition.unlock()
        if startThread {
            let thread = Thread { [self] in work() }
            thread.stackSize = Self.stackSize
            thread.start()
        }
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        while let job = nextJob() {
            job.runSynchronously(on: executor)
        }
    }

    /// The oldest job, or nil when none came for `idleLifetime`.
    private func nextJob() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        waiting += 1
        defer { waiting -= 1 }
        let end = Date().addingTimeInterval(Self.idleLifetime)
        while jobs.isEmpty {
            if !condition.wait(until: end), jobs.isEmpty { return nil }
        }
        return jobs.removeFirst()
    }
}
