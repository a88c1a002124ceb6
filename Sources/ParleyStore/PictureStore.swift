import Foundation

/// Pictures under `<storage>/images/`, each beside a sidecar (`NAME.json`) saying how it was made.
///
/// Both files are written whole or not at all (`AtomicFile`), the picture first; a sidecar that
/// cannot be written takes its picture with it, so a picture is never kept half-described. Names are
/// new each time (a time stamp and random letters), so nothing is ever replaced.
public struct PictureStore: Sendable {
    public let directory: URL
    private let files: AtomicFile

    public init(root: URL) {
        directory = root.appendingPathComponent("images", isDirectory: true)
        files = AtomicFile(fileSync: .system)
    }

    /// Saves a picture and its sidecar; returns the picture's file name (what conversations refer to).
    /// - Parameter fileExtension: `png` or `jpg`.
    public func save(_ picture: Data, fileExtension: String, sidecar: Data, now: Date = Date()) throws -> String {
        try StorageDirectory.prepare(directory, required: true, diagnostics: { _ in })
        let stem = Self.stem(at: now)
        let name = "\(stem).\(fileExtension)"
        let pictureURL = directory.appendingPathComponent(name)
        try files.write(picture, to: pictureURL, replacing: false)
        do {
            try files.write(sidecar, to: directory.appendingPathComponent("\(stem).json"), replacing: false)
        } catch {
            Platform.removeFile(pictureURL)
            throw error
        }
        return name
    }

    /// The path of a saved picture, or nil when `name` is not a plain file name of this directory
    /// (a conversation file edited to point elsewhere is not followed).
    public func url(of name: String) -> URL? {
        guard Self.isPlainName(name) else { return nil }
        return directory.appendingPathComponent(name)
    }

    /// The bytes of a saved picture, read with the store's rules (no links followed, a size cap).
    public func read(_ name: String, limit: Int) throws -> Data {
        guard let url = url(of: name) else { throw StoreError.readFailed(file: name, reason: "not a picture name") }
        let data: Data
        do {
            (data, _) = try Platform.readFile(url)
        } catch let failure as Platform.ReadFailure {
            switch failure {
            case .missing: throw StoreError.readFailed(file: url.path, reason: "it is missing")
            case .system(let reason): throw StoreError.readFailed(file: url.path, reason: reason)
            case .foreign(let what): throw StoreError.notOwnFile(file: url.path, what: what)
            }
        }
        guard data.count <= limit else { throw StoreError.readFailed(file: url.path, reason: "larger than \(limit) bytes") }
        return data
    }

    /// Removes a saved picture and its sidecar (a picture whose conversation could not be saved, so
    /// nothing refers to it). A name that is not this directory's plain file name is left alone.
    public func remove(_ name: String) {
        guard let url = url(of: name) else { return }
        Platform.removeFile(url)
        Platform.removeFile(url.deletingPathExtension().appendingPathExtension("json"))
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.count <= 100
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }

    /// `20270114-093012-k3v9qa`: sorts by time, unlikely to meet another.
    static func stem(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let letters = Array("abcdefghijkmnpqrstuvwxyz23456789")
        let suffix = String((0..<6).map { _ in letters.randomElement()! })
        return "\(formatter.string(from: date))-\(suffix)"
    }
}
