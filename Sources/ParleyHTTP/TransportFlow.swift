import Foundation

/// The bytes of one response handed to its consumer that it has not taken yet, at most `limit`.
///
/// FoundationNetworking on Linux cannot pause a transfer, so a server that sends faster than the
/// consumer reads (a reply decoded event by event, from a server on this machine flooding
/// loopback) would otherwise pile up in memory without bound. Past `limit` the transfer is
/// stopped with `TransportFlowOverrun`; what was taken is kept by the consumer. A real server,
/// even a local model at thousands of tokens a second, never gets near it.
final class TransportFlow: @unchecked Sendable {
    /// The most bytes that may wait for the consumer.
    static let limit = 16 << 20

    private let lock = NSLock()
    private var waiting = 0

    /// Counts `count` more bytes handed over; false when more than `limit` now wait.
    func handedOver(_ count: Int) -> Bool {
        lock.withLock {
            waiting += count
            return waiting <= Self.limit
        }
    }

    func taken(_ count: Int) {
        lock.withLock { waiting -= count }
    }
}

/// The server sent more than `TransportFlow.limit` bytes ahead of the consumer.
struct TransportFlowOverrun: Error {}

/// The events of one request, each piece of the body counted off its `TransportFlow` as the
/// consumer takes it.
public struct TransportEvents: AsyncSequence, Sendable {
    public typealias Element = TransportEvent
    let events: AsyncThrowingStream<TransportEvent, Error>
    let flow: TransportFlow

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<TransportEvent, Error>.AsyncIterator
        let flow: TransportFlow

        public mutating func next() async throws -> TransportEvent? {
            let event = try await base.next()
            if case .bytes(let data) = event { flow.taken(data.count) }
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: events.makeAsyncIterator(), flow: flow)
    }
}
