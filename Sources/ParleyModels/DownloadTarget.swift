import Foundation

/// One file to download into `<storage>/models/`: where from, what to expect, where to.
public struct DownloadTarget: Sendable {
    public var source: URL
    /// Headers for the first request (a token only when the source is the Hub's own origin).
    public var headers: [String: String]
    public var size: Int64?
    public var sha256: String?
    public var directory: URL
    public var fileName: String

    public init(source: URL, headers: [String: String], size: Int64?, sha256: String?, directory: URL, fileName: String) {
        self.source = source
        self.headers = headers
        self.size = size
        self.sha256 = sha256?.lowercased()
        self.directory = directory
        self.fileName = fileName
    }

    public var finalURL: URL { directory.appendingPathComponent(fileName) }
    public var partialURL: URL { directory.appendingPathComponent(fileName + ".partial") }
    public var sidecarURL: URL { directory.appendingPathComponent(fileName + ".partial.json") }

    /// The sidecar this download writes (and a partial must match to be resumed).
    func sidecar(now: Date) -> DownloadSidecar {
        DownloadSidecar(source: source.absoluteString, size: size, sha256: sha256, startedAt: now)
    }
}

/// What a download reports as it goes, for progress lines and `--json` events.
public enum DownloadEvent: Sendable, Equatable {
    /// The first request is going out; `resumedFrom` bytes were already on disk.
    case started(total: Int64?, resumedFrom: Int64)
    case progress(received: Int64, total: Int64?)
    /// The connection broke (why) and the download goes on from what is on disk.
    case retrying(String, received: Int64)
    case verifying
}

/// A finished, checked download.
public struct DownloadResult: Sendable, Equatable {
    public var url: URL
    public var size: Int64
    public var sha256: String
    /// Bytes that came over the network in this run (the rest was on disk already).
    public var fetched: Int64
}
