import Foundation
import ParleyCore

/// Crash-safe storage of conversations as one JSON file each under a storage root.
///
/// Every write is atomic and durable (see `AtomicFile`); every change happens under a per-conversation
/// `flock` after re-reading the file, so two processes never lose each other's turns; unreadable files
/// are moved to `quarantine/` intact; files of a newer schema are only read. Notices (a quarantined
/// file, a recovered reply, a lock taken over) go to the `diagnostics` callback, one line each.
public final class ConversationStore: Sendable {
    let layout: StoreLayout
    let diagnostics: @Sendable (String) -> Void
    let atomicFile: AtomicFile
    let quarantine: Quarantine

    /// The storage root this store reads and writes.
    public var root: URL { layout.root }

    /// Opens (creating if needed) a storage root: directories it creates are 0700 (existing ones are
    /// left as they are, see `StorageDirectory`), leftover temp files of dead processes removed.
    /// Read-only storage opens too: reading works, and each write says why it cannot.
    public convenience init(root: URL, diagnostics: @escaping @Sendable (String) -> Void) throws {
        try self.init(root: root, diagnostics: diagnostics, fileSync: .system)
    }

    /// As above, with the flush call replaced: for fault-injection tests only.
    package init(root: URL, diagnostics: @escaping @Sendable (String) -> Void, fileSync: FileSync) throws {
        self.layout = StoreLayout(root: root.standardizedFileURL)
        self.diagnostics = diagnostics
        self.atomicFile = AtomicFile(fileSync: fileSync)
        self.quarantine = Quarantine(directory: layout.quarantine, atomicFile: atomicFile)
        for directory in layout.directories {
            try StorageDirectory.prepare(directory, required: false, diagnostics: diagnostics)
        }
        TempFileSweeper.sweep([layout.root, layout.conversations], diagnostics: diagnostics)
    }

    // MARK: - Create, load, update

    /// Saves a new conversation; fails with `alreadyExists` if its id is taken.
    public func create(_ conversation: Conversation) throws {
        let id = try validated(conversation.id)
        let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
        defer { lock.release() }
        var stored = conversation
        stored.schemaVersion = Conversation.currentSchemaVersion
        try atomicFile.write(try encode(stored, id: id), to: layout.conversationFile(id), replacing: false)
    }

    /// Loads a conversation. A reply left half-written by a dead process is folded in (marked
    /// `.interrupted`) and saved; one being written right now is shown as it stands, still `.streaming`.
    public func load(id: String) throws -> StoredConversation {
        let id = try validated(id)
        guard let decoded = try read(id, holdingLock: false) else { throw StoreError.notFound(id: id) }
        switch decoded {
        case .newer(let conversation, _, let reason):
            return StoredConversation(conversation: conversation, isReadOnly: true, readOnlyReason: reason)
        case .current(var conversation):
            let inflight = readInflight(id)
            let streaming = conversation.messages.contains { $0.status == .streaming }
            guard inflight != nil || streaming else { return StoredConversation(conversation: conversation) }
            // A lock that cannot even be opened (read-only storage) counts as held: show, never write.
            if let streamLock = try? FileLock.tryAcquire(layout.streamLock(id), diagnostics: diagnostics) {
                defer { streamLock.release() }
                return try recoverDeadReply(id)
            }
            if let inflight { ReplyRecovery.mergeLive(inflight, into: &conversation) }
            return StoredConversation(conversation: conversation)
        }
    }

    /// Changes a conversation under its lock: re-reads the file, applies `change`, saves atomically.
    /// `updatedAt` is set to now when the change altered something but not `updatedAt` itself.
    /// Nothing is written when nothing changed. Throws `newerSchema` for read-only files.
    @discardableResult
    public func update(id: String, _ change: (inout Conversation) throws -> Void) throws -> Conversation {
        let id = try validated(id)
        let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
        defer { lock.release() }
        return try updateHoldingLock(id, change)
    }

    @discardableResult
    func updateHoldingLock(_ id: String, _ change: (inout Conversation) throws -> Void) throws -> Conversation {
        guard let decoded = try read(id, holdingLock: true) else { throw StoreError.notFound(id: id) }
        let original: Conversation
        switch decoded {
        case .newer(_, let version, _): throw StoreError.newerSchema(id: id, version: version)
        case .current(let conversation): original = conversation
        }
        var conversation = original
        try change(&conversation)
        guard conversation.id == id else { throw StoreError.idChanged(from: id, to: conversation.id) }
        conversation.schemaVersion = Conversation.currentSchemaVersion
        if conversation == original { return conversation }
        if conversation.updatedAt == original.updatedAt { conversation.updatedAt = Date() }
        try atomicFile.write(try encode(conversation, id: id), to: layout.conversationFile(id))
        return conversation
    }

    // MARK: - Reading and quarantine

    /// Reads and decodes a conversation file; nil when it does not exist. An unreadable file is
    /// moved to quarantine (under the conversation lock, after checking it is still the same file)
    /// and reported as `corrupt`.
    func read(_ id: String, holdingLock: Bool) throws -> ConversationCoding.Decoded? {
        try readStamped(id, holdingLock: holdingLock)?.decoded
    }

    func readStamped(_ id: String, holdingLock: Bool) throws -> (decoded: ConversationCoding.Decoded, stamp: FileStamp)? {
        let file = layout.conversationFile(id)
        let data: Data
        let stamp: FileStamp
        do {
            (data, stamp) = try Platform.readFile(file)
        } catch Platform.ReadFailure.missing {
            return nil
        } catch Platform.ReadFailure.system(let reason) {
            throw StoreError.readFailed(file: file.path, reason: reason)
        } catch Platform.ReadFailure.foreign(let what) {
            throw StoreError.notOwnFile(file: file.path, what: what)
        }
        do {
            return (try ConversationCoding.decode(data, fileID: id), stamp)
        } catch let unreadable as ConversationCoding.Unreadable {
            guard holdingLock else {
                let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
                defer { lock.release() }
                return try readStamped(id, holdingLock: true)
            }
            throw quarantineFile(file, reason: unreadable.reason)
        }
    }

    /// Moves an unreadable file aside and returns the error to throw.
    func quarantineFile(_ file: URL, reason: String) -> StoreError {
        do {
            guard let moved = try quarantine.move(file) else {
                return StoreError.corrupt(file: file.path, quarantinedAs: nil, reason: reason)
            }
            diagnostics(
                "moved corrupt conversation file \(file.lastPathComponent) to quarantine/\(moved.lastPathComponent): \(reason)")
            return StoreError.corrupt(file: file.path, quarantinedAs: moved.path, reason: reason)
        } catch {
            diagnostics("could not move corrupt conversation file \(file.lastPathComponent) to quarantine: \(error)")
            return StoreError.corrupt(file: file.path, quarantinedAs: nil, reason: reason)
        }
    }

    func encode(_ conversation: Conversation, id: String) throws -> Data {
        do {
            return try ConversationCoding.encode(conversation)
        } catch {
            throw StoreError.writeFailed(file: layout.conversationFile(id).path, reason: "cannot encode: \(error)")
        }
    }

    // MARK: - Interrupted replies

    /// The side file of a reply in progress (or left by a dead writer), if there is a readable one.
    /// An unreadable side file is moved to quarantine.
    func readInflight(_ id: String) -> InflightReply? {
        let file = layout.inflightFile(id)
        let data: Data
        do {
            data = try Platform.readFile(file).data
        } catch Platform.ReadFailure.foreign(let what) {
            diagnostics(StoreError.notOwnFile(file: file.path, what: what).description)
            return nil
        } catch {
            return nil
        }
        if let inflight = InflightReply.decode(data), inflight.conversationID == id { return inflight }
        if let moved = try? quarantine.move(file) {
            diagnostics("moved unreadable reply checkpoint \(file.lastPathComponent) to quarantine/\(moved.lastPathComponent)")
        }
        return nil
    }

    /// Folds a dead writer's reply into the conversation. The caller holds the stream lock.
    func recoverDeadReply(_ id: String) throws -> StoredConversation {
        let lock = try FileLock.acquire(layout.conversationLock(id), diagnostics: diagnostics)
        defer { lock.release() }
        guard let decoded = try read(id, holdingLock: true) else { throw StoreError.notFound(id: id) }
        guard case .current(var conversation) = decoded else {
            if case .newer(let conversation, _, let reason) = decoded {
                return StoredConversation(conversation: conversation, isReadOnly: true, readOnlyReason: reason)
            }
            throw StoreError.notFound(id: id)
        }
        let inflight = readInflight(id)
        let changed = ReplyRecovery.recoverDead(inflight, in: &conversation)
        if !changed.isEmpty {
            do {
                try atomicFile.write(try encode(conversation, id: id), to: layout.conversationFile(id))
            } catch {
                // Still show the recovered text; the side file stays for the next attempt.
                diagnostics("could not save the recovered reply in conversation \(id): \(oneLineDescription(of: error))")
                return StoredConversation(conversation: conversation)
            }
            for messageID in changed {
                let kept = conversation.messages.first { $0.id == messageID }?.content.count ?? 0
                diagnostics(
                    "recovered an interrupted reply in conversation \(id) (message \(messageID), \(kept) characters kept)")
            }
        }
        if inflight != nil || Platform.fileExists(layout.inflightFile(id)) {
            Platform.removeFile(layout.inflightFile(id))
            try? atomicFile.syncDirectory(layout.conversations)
        }
        return StoredConversation(conversation: conversation)
    }

    // MARK: - Ids

    /// The id itself when it exists, else the one id starting with it.
    public func resolve(_ idOrPrefix: String) throws -> String {
        let text = idOrPrefix.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.unknownPrefix(idOrPrefix) }
        guard Identifier.isValid(text) else { throw StoreError.invalidID(idOrPrefix) }
        if Platform.fileExists(layout.conversationFile(text)) { return text }
        let ids = conversationIDs()
        var matches = ids.filter { $0.hasPrefix(text) }
        if matches.isEmpty {
            let lowered = text.lowercased()
            matches = ids.filter { $0.lowercased().hasPrefix(lowered) }
        }
        switch matches.count {
        case 0: throw StoreError.unknownPrefix(text)
        case 1: return matches[0]
        default: throw StoreError.ambiguousPrefix(text, candidates: matches.sorted())
        }
    }

    /// The ids of the conversation files present now.
    func conversationIDs() -> [String] {
        Platform.fileNames(in: layout.conversations).compactMap(StoreLayout.conversationID(fromFileName:))
    }

    func validated(_ id: String) throws -> String {
        guard Identifier.isValid(id) else { throw StoreError.invalidID(id) }
        return id
    }
}
