import Foundation

/// A counter shared between threads: how many requests wait for the backend's queue.
final class PendingCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ delta: Int) { lock.withLock { count += delta } }
    var value: Int { lock.withLock { count } }
}
