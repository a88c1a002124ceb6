import Foundation

/// One file of a repository as the Hub lists it: its path, size and, for files kept in LFS (every
/// model file), the SHA-256 of its content (`lfs.oid`).
public struct HubFile: Equatable, Sendable {
    public var path: String
    public var size: Int64
    public var sha256: String?

    public init(path: String, size: Int64, sha256: String?) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }

    public var isGGUF: Bool { path.lowercased().hasSuffix(".gguf") }

    /// The most a listing may be: a repository of GGUF files lists a few dozen entries of a few
    /// hundred bytes each. Past it the answer is refused, not read.
    public static let maxListingBytes = 4 << 20

    /// The files in a tree listing (a JSON array of `{type, path, size, lfs: {oid, size}}`);
    /// folders and entries without a usable path or size are left out. Nil when the body is not
    /// such an array.
    public static func parseListing(_ body: Data) -> [HubFile]? {
        guard body.count <= maxListingBytes,
            let array = (try? JSONSerialization.jsonObject(with: body)) as? [Any]
        else { return nil }
        return array.compactMap { item -> HubFile? in
            guard let entry = item as? [String: Any], (entry["type"] as? String) ?? "file" == "file",
                let path = entry["path"] as? String, !path.isEmpty, path.utf8.count <= 1024
            else { return nil }
            let lfs = entry["lfs"] as? [String: Any]
            let size = integer(lfs?["size"]) ?? integer(entry["size"])
            guard let size, size >= 0 else { return nil }
            let oid = (lfs?["oid"] as? String).map { $0.hasPrefix("sha256:") ? String($0.dropFirst(7)) : $0 }
            return HubFile(path: path, size: size, sha256: oid.flatMap { SHA256Hasher.isDigest($0) ? $0.lowercased() : nil })
        }
    }

    private static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let number as NSNumber: return Int64(exactly: number.doubleValue)
        default: return nil
        }
    }
}
