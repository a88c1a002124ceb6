import Foundation

/// A fresh directory under the system temp directory, removed by `remove()`.
public struct StoreTemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "store") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-\(label)-\(UUID().uuidString)", isDirectory: true)
        // Private, as a storage root should be: the store warns about one that others can reach.
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
