import Testing

@testable import ParleyApp

/// The queue the runner's saves go through.
@Suite("Serial job queue", .timeLimit(.minutes(1)))
struct SerialJobQueueTests {
    actor Log {
        var entries: [Int] = []
        func append(_ entry: Int) { entries.append(entry) }
    }

    @Test func jobsRunOneAtATimeInTheOrderQueued() async {
        let queue = SerialJobQueue()
        let log = Log()
        for number in 0..<50 {
            queue.enqueue {
                // Later jobs are quicker: only the queue keeps them in order.
                if number % 2 == 0 { try? await Task.sleep(for: .milliseconds(1)) }
                await log.append(number)
            }
        }
        await queue.drain()
        #expect(await log.entries == Array(0..<50))
    }

    @Test func performReturnsAfterTheJobsBeforeIt() async throws {
        let queue = SerialJobQueue()
        let log = Log()
        queue.enqueue {
            try? await Task.sleep(for: .milliseconds(20))
            await log.append(1)
        }
        let seen = try await queue.perform { await log.entries }
        #expect(seen == [1])
    }

    struct Refused: Error {}

    @Test func performPassesTheJobsErrorOn() async {
        let queue = SerialJobQueue()
        await #expect(throws: Refused.self) { try await queue.perform { () throws -> Int in throw Refused() } }
    }
}
