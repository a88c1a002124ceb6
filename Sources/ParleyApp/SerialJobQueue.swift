/// Jobs that run one at a time, in the order they were queued, on one task of their own.
///
/// The chat's saves go through one: a choice and a page to another version right after it must
/// reach the disk in that order, whichever task asked for them. Queuing is synchronous and takes
/// no isolation, so a callback of a running flow (a decision's partial record) queues its save
/// in the order the flow made it.
final class SerialJobQueue: Sendable {
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>.Continuation

    init() {
        let (stream, jobs) = AsyncStream.makeStream(of: Job.self)
        self.jobs = jobs
        Task.detached {
            for await job in stream { await job() }
        }
    }

    deinit {
        // The jobs already queued still run; then the worker ends.
        jobs.finish()
    }

    /// Queues a job behind those already queued and returns at once.
    func enqueue(_ job: @escaping Job) {
        jobs.yield(job)
    }

    /// Queues a job and waits for its result (and so for every job queued before it).
    func perform<Value: Sendable>(_ job: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            enqueue {
                do {
                    continuation.resume(returning: try await job())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Returns when every job queued before this call has run.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enqueue { continuation.resume() }
        }
    }
}
