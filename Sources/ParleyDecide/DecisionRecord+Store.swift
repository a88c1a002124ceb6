import Foundation
import ParleyStore

/// Decision records live in `<storage>/decisions/<id>.json`, with the store's guarantees.
extension DecisionRecord: StoredDocument {
    public static var kindName: String { "decision" }

    /// Opens (creating) the decisions directory under the storage root.
    public static func store(root: URL, diagnostics: @escaping @Sendable (String) -> Void) throws -> DocumentStore<DecisionRecord> {
        try DocumentStore<DecisionRecord>(root: root, folder: "decisions", diagnostics: diagnostics)
    }
}
