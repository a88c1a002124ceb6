import ParleyTUI

/// The events a runner delivers, in the order it delivered them: `deliver` is the runner's
/// closure, and the test reads them back as they come.
struct EventRecorder {
    let deliver: @Sendable (ChatEvent) -> Void
    private var iterator: AsyncStream<ChatEvent>.Iterator

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: ChatEvent.self)
        deliver = { continuation.yield($0) }
        iterator = stream.makeAsyncIterator()
    }

    /// The next event delivered (the suite's time limit ends a test that waits for one in vain).
    mutating func next() async -> ChatEvent {
        guard let event = await iterator.next() else { fatalError("the event stream ended") }
        return event
    }

    /// The events delivered from now up to and including the first one `last` matches.
    mutating func events(through last: (ChatEvent) -> Bool) async -> [ChatEvent] {
        var events: [ChatEvent] = []
        while true {
            let event = await next()
            events.append(event)
            if last(event) { return events }
        }
    }
}
