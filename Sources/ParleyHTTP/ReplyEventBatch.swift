import ParleyCore

/// Joins the reply events decoded from one network read before they are handed on.
///
/// A fast server packs many server-sent events into one read (2,000 tokens a second arrive as a
/// few dozen per read). Handing each piece across to the consumer separately costs a thread wake-up
/// per piece, which made streaming spend most of a core in the kernel; consecutive text (or
/// reasoning) pieces from the same read are one piece to every reader downstream, so they travel as
/// one. Order is kept, and no other event is merged or moved.
enum ReplyEventBatch {
    static func coalesce(_ events: [ReplyEvent]) -> [ReplyEvent] {
        guard events.count > 1 else { return events }
        var out: [ReplyEvent] = []
        out.reserveCapacity(events.count)
        for event in events {
            switch (out.last, event) {
            case (.text(let before)?, .text(let piece)):
                out[out.count - 1] = .text(before + piece)
            case (.reasoning(let before)?, .reasoning(let piece)):
                out[out.count - 1] = .reasoning(before + piece)
            default:
                out.append(event)
            }
        }
        return out
    }
}
