import Foundation

/// A response body kept up to a cap, so a server sending without end costs bounded memory
/// (an endless `/models` answer grew to 4 GB before). What the caller does at the cap differs:
/// an error body is simply cut (its message is at the start), a reply or a model list is refused.
struct BodyCollector {
    let limit: Int
    private(set) var data: Data

    init(limit: Int, data: Data = Data()) {
        self.limit = limit
        self.data = data
    }

    /// Appends what fits; false when `piece` did not fit whole (the body reached the cap).
    mutating func append(_ piece: Data) -> Bool {
        let room = limit - data.count
        if piece.count <= room {
            data.append(piece)
            return true
        }
        if room > 0 { data.append(piece.prefix(room)) }
        return false
    }
}
