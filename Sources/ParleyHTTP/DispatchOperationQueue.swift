import Foundation

/// The delegate queue of the streaming sessions: one serial dispatch queue, FIFO, as an
/// `OperationQueue` limited to one operation at a time was, without its bookkeeping.
///
/// Why: every piece libcurl reads becomes one operation on the delegate queue, and
/// FoundationNetworking cannot pause a transfer. Against a server sending as fast as loopback
/// allows, `OperationQueue` fell further behind the more operations waited: an endless `/models`
/// body held 10 GB in pending operations, 87 s before its 8 MiB cap was even reached. A dispatch
/// queue hands each piece on in about a microsecond, so the consumer sees the body as it comes
/// and its caps stop the transfer in time (see `TransportFlow` for what may wait).
final class DispatchOperationQueue: OperationQueue, @unchecked Sendable {
    private let queue = DispatchQueue(label: "parley.http.delegate")

    override func addOperation(_ block: @escaping @Sendable () -> Void) {
        queue.async(execute: block)
    }

    override func addOperation(_ operation: Operation) {
        queue.async { operation.start() }
    }
}
