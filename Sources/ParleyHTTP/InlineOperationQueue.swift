import Foundation

/// A delegate queue that runs each operation at once, on the thread that adds it: for download
/// sessions, FoundationNetworking's own queue, so the write of one piece holds libcurl back from
/// reading the next (see `StreamingSessions.downloads`). Their callbacks come one at a time,
/// in order, because FoundationNetworking's queue is serial.
final class InlineOperationQueue: OperationQueue, @unchecked Sendable {
    override func addOperation(_ block: @escaping @Sendable () -> Void) {
        block()
    }

    override func addOperation(_ operation: Operation) {
        operation.start()
    }
}
