import Foundation

/// At most `count` heavy tests at once, over the whole test run; the others wait without
/// holding a thread.
///
/// Why: a heavy test runs a model or a `parley` process that does, and each wants the machine's
/// cores. Run all at once (twenty processes on two cores), every one of them slowed down so far
/// that servers' answers to the light tests sat unread past their idle timeouts.
final class HeavyTestSlots: @unchecked Sendable {
    static let shared = HeavyTestSlots(count: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted: Bool = lock.withLock {
                guard free > 0 else {
                    waiting.append(continuation)
                    return false
                }
                free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !waiting.isEmpty else {
                free += 1
                return nil
            }
            return waiting.removeFirst()  // the slot passes straight to the next
        }
        next?.resume()
    }
}
