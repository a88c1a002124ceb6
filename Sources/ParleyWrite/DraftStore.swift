import Foundation
import ParleyStore

/// Drafts on disk, one crash-safe JSON file each under `<storage>/drafts/` (a `DocumentStore`:
/// atomic writes, a lock per draft, unreadable files quarantined).
public struct DraftStore: Sendable {
    public let documents: DocumentStore<Draft>

    public init(storage: URL, diagnostics: @escaping @Sendable (String) -> Void) throws {
        documents = try DocumentStore<Draft>(root: storage, folder: "drafts", diagnostics: diagnostics)
    }

    public func create(_ draft: Draft) throws { try documents.create(draft) }
    public func load(id: String) throws -> Draft { try documents.load(id: id) }
    /// An exact id or a unique prefix.
    public func resolve(_ prefix: String) throws -> String { try documents.resolve(prefix) }
    /// Newest first.
    public func list() throws -> [Draft] { try documents.list() }

    /// The newest draft written in the conversation `id` (the chat screen reopens it with the
    /// conversation), or nil when it has none.
    public func draft(forConversation id: String) throws -> Draft? {
        try documents.latest(forConversation: id)
    }

    /// Adds a version under the draft's lock, so a concurrent revision is never lost.
    @discardableResult
    public func addRevision(_ version: DraftVersion, to id: String) throws -> Draft {
        try documents.update(id: id) { $0.addRevision(version) }
    }

    /// Records which version is current.
    @discardableResult
    public func select(version number: Int, of id: String) throws -> Draft {
        try documents.update(id: id) { try $0.select(version: number) }
    }
}
