import Foundation
import ParleyCore

extension ConversationStore {
    /// Moves a conversation to `trash/` (a dead writer's half reply is folded in first).
    public func trash(id: String) throws {
        let id = try validated(id)
        if Platform.fileExists(layout.inflightFile(id)) { _ = try? load(id: id) }
        let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
        defer { lock.release() }
        try move(layout.conversationFile(id), to: layout.trashFile(id), missing: .notFound(id: id), taken: .trashSlotTaken(id: id))
    }

    /// The id of the conversation in `trash/` that is `idOrPrefix` or the only one starting with it.
    public func resolveInTrash(_ idOrPrefix: String) throws -> String {
        let text = idOrPrefix.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.notInTrash(id: idOrPrefix) }
        guard Identifier.isValid(text) else { throw StoreError.invalidID(idOrPrefix) }
        let ids = Platform.fileNames(in: layout.trash).compactMap(StoreLayout.conversationID(fromFileName:))
        if ids.contains(text) { return text }
        var matches = ids.filter { $0.hasPrefix(text) }
        if matches.isEmpty {
            let lowered = text.lowercased()
            matches = ids.filter { $0.lowercased().hasPrefix(lowered) }
        }
        switch matches.count {
        case 0: throw StoreError.notInTrash(id: text)
        case 1: return matches[0]
        default: throw StoreError.ambiguousPrefix(text, candidates: matches.sorted())
        }
    }

    /// Moves a conversation back from `trash/`; refuses when the id exists again.
    public func restore(id: String) throws {
        let id = try validated(id)
        let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
        defer { lock.release() }
        try move(layout.trashFile(id), to: layout.conversationFile(id), missing: .notInTrash(id: id), taken: .restoreConflict(id: id))
    }

    /// Moves a file between `conversations/` and `trash/` without replacing anything, then flushes
    /// both directories so the move survives a crash.
    private func move(_ source: URL, to target: URL, missing: StoreError, taken: StoreError) throws {
        let moved: Bool
        do {
            moved = try Platform.moveNoReplace(from: source, to: target)
        } catch Platform.ReadFailure.missing {
            throw missing
        } catch Platform.ReadFailure.system(let reason) {
            throw StoreError.writeFailed(file: source.path, reason: reason)
        } catch Platform.ReadFailure.foreign(let what) {
            throw StoreError.notOwnFile(file: source.path, what: what)
        }
        guard moved else { throw taken }
        try atomicFile.syncDirectory(target.deletingLastPathComponent())
        try atomicFile.syncDirectory(source.deletingLastPathComponent())
    }

    /// The conversations in the trash, newest first. Unreadable files there are skipped with a notice.
    public func listTrash() throws -> [ConversationSummary] {
        var summaries: [ConversationSummary] = []
        for name in Platform.fileNames(in: layout.trash) {
            guard StoreLayout.conversationID(fromFileName: name) != nil else { continue }
            let file = layout.trash.appendingPathComponent(name, isDirectory: false)
            do {
                let (data, _) = try Platform.readFile(file)
                switch try ConversationCoding.decode(data, fileID: StoreLayout.conversationID(fromFileName: name) ?? "") {
                case .current(let conversation), .newer(let conversation, _, _):
                    summaries.append(ConversationSummary(conversation))
                }
            } catch let unreadable as ConversationCoding.Unreadable {
                diagnostics("skipped unreadable file trash/\(name): \(unreadable.reason)")
            } catch {
                continue
            }
        }
        return summaries.sorted(by: ConversationSummary.newestFirst)
    }
}
