import Foundation
import ParleyCore
import ParleyStore

/// What Parley knows of a model it pulled, kept beside it as `NAME.json`: where it came from, its
/// checked SHA-256, and whether the runtime could run it when it arrived (a model of another
/// architecture is kept, and marked here with the reason).
public struct ModelRecord: Codable, Equatable, Sendable {
    public var schemaVersion = 1
    public var file: String
    public var catalogName: String?
    /// The spec it was pulled with: `hf:OWNER/REPO:FILE`, a URL or `pip:REQUIREMENT`.
    public var origin: String
    public var sha256: String
    public var size: Int64
    public var pulledAt: Date
    public var architecture: String?
    public var runnable: Bool
    public var notRunnableBecause: String?

    public init(
        file: String, catalogName: String?, origin: String, sha256: String, size: Int64, pulledAt: Date, architecture: String?,
        runnable: Bool, notRunnableBecause: String?
    ) {
        self.file = file
        self.catalogName = catalogName
        self.origin = origin
        self.sha256 = sha256
        self.size = size
        self.pulledAt = pulledAt
        self.architecture = architecture
        self.runnable = runnable
        self.notRunnableBecause = notRunnableBecause
    }

    /// A record is a few hundred bytes.
    public static let maxBytes = 16 << 10

    /// The record of the model file `modelURL`, if there is a readable one.
    public static func read(forModel modelURL: URL) -> ModelRecord? {
        guard let data = OwnFiles.readSmall(recordURL(forModel: modelURL), limit: maxBytes) else { return nil }
        return try? ParleyJSON.decoder().decode(ModelRecord.self, from: data)
    }

    public func write(forModel modelURL: URL) throws {
        try AtomicFile(fileSync: .system).write(Data(try ParleyJSON.string(self).utf8), to: Self.recordURL(forModel: modelURL))
    }

    public static func recordURL(forModel modelURL: URL) -> URL {
        modelURL.deletingLastPathComponent().appendingPathComponent(modelURL.lastPathComponent + ".json")
    }
}
