import Foundation
import ParleyCore
import ParleyStore

/// The small JSON file beside `NAME.partial` that says what the partial file is a beginning of,
/// so a later pull resumes it only for the same file: same source, size and SHA-256.
public struct DownloadSidecar: Codable, Equatable, Sendable {
    public var schemaVersion = 1
    /// The URL asked for, before redirects (never with a token: tokens travel only in headers).
    public var source: String
    public var size: Int64?
    public var sha256: String?
    public var startedAt: Date

    public init(source: String, size: Int64?, sha256: String?, startedAt: Date) {
        self.source = source
        self.size = size
        self.sha256 = sha256
        self.startedAt = startedAt
    }

    /// A sidecar is a few hundred bytes; anything longer is not one of ours.
    public static let maxBytes = 16 << 10

    /// The sidecar at `url`, or nil when there is none or it cannot be trusted (too long, not
    /// JSON, a link or anything but a regular file): the partial is then started over.
    public static func read(_ url: URL) -> DownloadSidecar? {
        guard let data = OwnFiles.readSmall(url, limit: maxBytes) else { return nil }
        guard let sidecar = try? ParleyJSON.decoder().decode(DownloadSidecar.self, from: data), sidecar.schemaVersion == 1 else {
            return nil
        }
        return sidecar
    }

    /// Written atomically but not flushed: a sidecar lost to a power cut only makes the next
    /// pull start over (a partial without one is never resumed), and the two fsyncs held up
    /// the first byte of every download.
    public func write(_ url: URL) throws {
        try AtomicFile(fileSync: .system).write(Data(try ParleyJSON.string(self).utf8), to: url, durable: false)
    }
}
