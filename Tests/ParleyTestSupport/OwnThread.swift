import Foundation

/// Runs blocking or CPU-bound test work on a thread of its own and awaits its result.
///
/// Why: test functions run on the cooperative pool, which has as many threads as the machine has
/// cores (two here). A fuzz loop or a helper command that holds one of them for seconds stalls the
/// tasks of every other test, and the timing-sensitive ones (deadlines, warm-ups) then fail.
public enum OwnThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
