import Foundation

/// Reads a whole (not streamed) answer from the transport's events: its status, headers and a
/// body capped at `limit`. An error answer keeps only the start of its body, where the message is
/// (`ServerErrorBody.maxBodyBytes`); a success over the limit is `bodyTooLarge`.
struct WholeAnswerReader {
    let url: String
    /// What the body is, for the error ("a model list").
    let what: String
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    private var body: BodyCollector

    init(limit: Int, url: String, what: String) {
        body = BodyCollector(limit: limit)
        self.url = url
        self.what = what
    }

    var data: Data { body.data }

    /// Takes one event; false when reading should stop (an error answer's message is complete).
    mutating func take(_ event: TransportEvent) throws -> Bool {
        switch event {
        case .response(let code, let received):
            status = code
            headers = received
            if code >= 400 { body = BodyCollector(limit: ServerErrorBody.maxBodyBytes) }
        case .bytes(let piece):
            if !body.append(piece) {
                if status >= 400 { return false }
                throw HTTPBackendError.bodyTooLarge(url: url, what: what, limit: body.limit)
            }
        }
        return true
    }
}
