import Foundation
import ParleyStore

/// Decision records live in `<storage>/decisions/<id>.json`, with the store's guarantees.
extension DecisionRecord: ConversationDocument {
    public static var kindName: String { "decision" }

    /// Opens (creating) the decisions directory under the storage root.
    public static func store(root: URL, diagnostics: @escaping @Sendable (String) -> Void) throws -> DocumentStore<DecisionRecord> {
        try DocumentStore<DecisionRecord>(root: root, folder: "decisions", diagnostics: diagnostics)
    }
}

extension DocumentStore where Document == DecisionRecord {
    /// Writes the record whether or not it was saved before: a new file, or the existing one
    /// replaced under its lock.
    public func save(_ record: DecisionRecord) throws {
        do {
            try update(id: record.id) { $0 = record }
        } catch DocumentStoreError.unknown {
            try create(record)
        }
    }
}
