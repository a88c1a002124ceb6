import Foundation

/// Fires once when `touch()` has not been called for `timeout` seconds.
final class IdleWatchdog: @unchecked Sendable {
    private let timeout: Double
    private let onExpiry: @Sendable () -> Void
    private let lock = NSLock()
    private var lastActivity = DispatchTime.now()
    private var timer: DispatchSourceTimer?
    private var done = false

    init(timeout: Double, onExpiry: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.onExpiry = onExpiry
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let interval = min(max(timeout / 10, 0.01), 0.25)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.check() }
        lock.withLock {
            lastActivity = .now()
            self.timer = timer
        }
        timer.resume()
    }

    func touch() {
        lock.withLock { lastActivity = .now() }
    }

    func stop() {
        let timer: DispatchSourceTimer? = lock.withLock {
            done = true
            defer { self.timer = nil }
            return self.timer
        }
        timer?.cancel()
    }

    private func check() {
        let expired: Bool = lock.withLock {
            guard !done else { return false }
            let idle = Double(DispatchTime.now().uptimeNanoseconds - lastActivity.uptimeNanoseconds) / 1e9
            if idle >= timeout {
                done = true
                return true
            }
            return false
        }
        guard expired else { return }
        stop()
        onExpiry()
    }
}
