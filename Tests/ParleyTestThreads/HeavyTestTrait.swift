import Testing

/// Runs a test, or every test of a suite, on `ThreadPerJobExecutor`'s threads instead of the
/// shared ones of Swift's global executor, and counts it as heavy (see `HeavyTestSlots`).
///
/// Give it to every test that blocks a thread for more than a moment or keeps the cores busy:
/// one that waits for a process or a terminal, polls with `usleep`, or runs a model. The tests
/// that need the shared threads promptly (deadlines, idle timeouts, warm-ups) then are neither
/// queued behind them nor starved of CPU by all of them at once.
public struct HeavyTestTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // A suite's scope wraps its tests' own: only a test case takes a slot.
        guard testCase != nil else {
            return try await withTaskExecutorPreference(ThreadPerJobExecutor.shared) { try await function() }
        }
        await HeavyTestSlots.shared.acquire()
        defer { HeavyTestSlots.shared.release() }
        try await withTaskExecutorPreference(ThreadPerJobExecutor.shared) {
            try await function()
        }
    }
}

extension Trait where Self == HeavyTestTrait {
    /// See `HeavyTestTrait`.
    public static var heavy: Self { Self() }
}
