import Dispatch
import Foundation

/// Turns termination signals into a callback (cancel the running turn) instead of killing the
/// process, so a partial reply is saved as `interrupted`. A second signal ends the process at once.
final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let signals: [Int32]
    private let queue = DispatchQueue(label: "parley.signals")

    init(signals: [Int32], onSignal: @escaping @Sendable () -> Void) {
        self.signals = signals
        let fired = SignalFlag()
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if fired.testAndSet() { Foundation.exit(128 + number) }
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for number in signals { signal(number, SIG_DFL) }
    }
}

/// A flag a signal handler sets and any thread reads.
final class SignalFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()

    func set() { lock.withLock { value = true } }

    func isSet() -> Bool { lock.withLock { value } }

    /// Sets the flag and returns whether it was already set.
    func testAndSet() -> Bool {
        lock.withLock {
            defer { value = true }
            return value
        }
    }
}
