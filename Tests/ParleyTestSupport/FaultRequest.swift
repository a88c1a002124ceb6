import Foundation

/// One request as `FaultServer` received it, for tests to check what the client sent.
public struct FaultRequest: Sendable {
    public var method: String
    /// The path with its query, as on the request line (`/v1/chat/completions`).
    public var path: String
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: Data
    /// Which connection it came on: the server numbers the connections it accepts from 1, so two
    /// requests with the same number shared one connection.
    public var connection: Int

    public init(method: String, path: String, headers: [String: String], body: Data, connection: Int = 0) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.connection = connection
    }

    /// A header by name, case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body parsed as a JSON object, when it is one.
    public var jsonBody: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }
}
