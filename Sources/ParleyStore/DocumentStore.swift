import Foundation
import ParleyCore

/// A value kept as one JSON file in a `DocumentStore`: decision records, drafts.
public protocol StoredDocument: Codable, Sendable {
    /// An `Identifier`-shaped id; it names the file.
    var id: String { get }
    var schemaVersion: Int { get }
    var updatedAt: Date { get }
    /// The schema this build writes; files with a higher number are never rewritten.
    static var currentSchemaVersion: Int { get }
    /// What one document is called in messages ("decision", "draft").
    static var kindName: String { get }
}

/// A directory of JSON documents with the same guarantees as conversations: atomic and durable
/// writes, private files, a lock per document with re-read under it, unreadable files moved to
/// `quarantine/` byte for byte, newer-schema files read-only and never moved, links and other
/// files that are not Parley's reported and left alone, removal into `trash/<folder>/`.
///
/// Documents are few and small (a decision, a draft's versions), so listing decodes them all.
public final class DocumentStore<Document: StoredDocument>: Sendable {
    public let directory: URL
    private let root: URL
    private let folder: String
    private let diagnostics: @Sendable (String) -> Void
    private let atomicFile = AtomicFile(fileSync: .system)

    /// Opens `<root>/<folder>/`, creating it (private) if it is missing; see `StorageDirectory`
    /// for existing and read-only directories.
    public init(root: URL, folder: String, diagnostics: @escaping @Sendable (String) -> Void) throws {
        self.root = root
        self.folder = folder
        self.directory = root.appendingPathComponent(folder, isDirectory: true)
        self.diagnostics = diagnostics
        for url in [root, directory, locks, quarantineDirectory] {
            try StorageDirectory.prepare(url, required: false, diagnostics: diagnostics)
        }
    }

    private var locks: URL { root.appendingPathComponent("locks", isDirectory: true) }
    private var quarantineDirectory: URL { root.appendingPathComponent("quarantine", isDirectory: true) }
    private var trashDirectory: URL { root.appendingPathComponent("trash/\(folder)", isDirectory: true) }

    private func file(_ id: String) -> URL { directory.appendingPathComponent(id + ".json", isDirectory: false) }
    private func lockFile(_ id: String) -> URL { locks.appendingPathComponent("\(folder)-\(id).lock", isDirectory: false) }

    /// Writes a new document; fails if one with its id exists.
    public func create(_ document: Document) throws {
        try checkID(document.id)
        let lock = try FileLock.acquire(lockFile(document.id), diagnostics: diagnostics)
        defer { lock.release() }
        try atomicFile.write(try encode(document), to: file(document.id), replacing: false)
    }

    public func load(id: String) throws -> Document {
        try checkID(id)
        return try read(file(id), id: id)
    }

    /// Takes the document's lock, re-reads it, applies `change`, saves: concurrent writers lose nothing.
    @discardableResult
    public func update(id: String, _ change: (inout Document) throws -> Void) throws -> Document {
        try checkID(id)
        let lock = try FileLock.acquire(lockFile(id), diagnostics: diagnostics)
        defer { lock.release() }
        var document = try read(file(id), id: id)
        if document.schemaVersion > Document.currentSchemaVersion {
            throw DocumentStoreError.newerSchema(kind: Document.kindName, id: id, version: document.schemaVersion)
        }
        try change(&document)
        guard document.id == id else { throw DocumentStoreError.idChanged(kind: Document.kindName, from: id, to: document.id) }
        try atomicFile.write(try encode(document), to: file(id))
        return document
    }

    /// Every readable document, newest first. Unreadable files are quarantined and reported.
    public func list() throws -> [Document] {
        var documents: [Document] = []
        for name in Platform.fileNames(in: directory).sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let id = String(name.dropLast(5))
            guard Identifier.isValid(id) else { continue }
            if let document = try? read(file(id), id: id) { documents.append(document) }
        }
        return documents.sorted { $0.updatedAt > $1.updatedAt }
    }

    /// An exact id, or the one id that starts with `prefix`.
    public func resolve(_ prefix: String) throws -> String {
        guard !prefix.isEmpty, Identifier.isValid(prefix) else {
            throw DocumentStoreError.unknown(kind: Document.kindName, id: prefix)
        }
        let ids = Platform.fileNames(in: directory).compactMap { name -> String? in
            guard name.hasSuffix(".json"), !name.hasPrefix(".") else { return nil }
            return String(name.dropLast(5))
        }
        if ids.contains(prefix) { return prefix }
        let matches = ids.filter { $0.hasPrefix(prefix) }.sorted()
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw DocumentStoreError.unknown(kind: Document.kindName, id: prefix) }
        throw DocumentStoreError.ambiguous(kind: Document.kindName, prefix: prefix, candidates: matches)
    }

    /// Moves a document to `trash/<folder>/`.
    public func trash(id: String) throws {
        try checkID(id)
        try StorageDirectory.prepare(root.appendingPathComponent("trash", isDirectory: true), required: true, diagnostics: diagnostics)
        try StorageDirectory.prepare(trashDirectory, required: true, diagnostics: diagnostics)
        let lock = try FileLock.acquire(lockFile(id), diagnostics: diagnostics)
        defer { lock.release() }
        let target = trashDirectory.appendingPathComponent(id + ".json")
        do {
            guard try Platform.moveNoReplace(from: file(id), to: target) else {
                throw DocumentStoreError.trashSlotTaken(kind: Document.kindName, id: id)
            }
        } catch Platform.ReadFailure.missing {
            throw DocumentStoreError.unknown(kind: Document.kindName, id: id)
        } catch Platform.ReadFailure.foreign(let what) {
            throw StoreError.notOwnFile(file: file(id).path, what: what)
        }
        try atomicFile.syncDirectory(directory)
        try atomicFile.syncDirectory(trashDirectory)
    }

    // MARK: - Reading and writing

    private func checkID(_ id: String) throws {
        guard Identifier.isValid(id) else { throw DocumentStoreError.invalidID(kind: Document.kindName, id: id) }
    }

    private func encode(_ document: Document) throws -> Data {
        var data = try ParleyJSON.encoder().encode(document)
        data.append(0x0A)
        return data
    }

    private func read(_ url: URL, id: String) throws -> Document {
        let data: Data
        do {
            data = try Platform.readFile(url).data
        } catch Platform.ReadFailure.missing {
            throw DocumentStoreError.unknown(kind: Document.kindName, id: id)
        } catch Platform.ReadFailure.system(let reason) {
            throw StoreError.readFailed(file: url.path, reason: reason)
        } catch Platform.ReadFailure.foreign(let what) {
            let failure = StoreError.notOwnFile(file: url.path, what: what)
            diagnostics(failure.description)
            throw failure
        }
        // A newer build's file is never taken for damage: shown when this build can decode it
        // (`update` still refuses it), otherwise reported, and in either case never moved.
        if let version = ConversationCoding.schemaVersion(of: data), version > Document.currentSchemaVersion {
            if let document = try? ParleyJSON.decoder().decode(Document.self, from: data), document.id == id { return document }
            let failure = DocumentStoreError.newerSchema(kind: Document.kindName, id: id, version: version)
            diagnostics(failure.description)
            throw failure
        }
        do {
            if data.isEmpty { throw DocumentStoreError.Unreadable(reason: "the file is empty") }
            if ConversationCoding.containsNUL(data) { throw DocumentStoreError.Unreadable(reason: "the file contains NUL bytes") }
            let document = try ParleyJSON.decoder().decode(Document.self, from: data)
            // Stored under another id, it could be listed but never addressed (see ConversationCoding).
            guard document.id == id else { throw DocumentStoreError.Unreadable(reason: "the id stored in it does not match its file name") }
            return document
        } catch {
            let reason = (error as? DocumentStoreError.Unreadable)?.reason ?? ConversationCoding.reason(for: error)
            let moved = try? Quarantine(directory: quarantineDirectory, atomicFile: atomicFile).move(url)
            let movedPath = moved.flatMap { $0 }?.path
            let failure = DocumentStoreError.corrupt(kind: Document.kindName, file: url.path, quarantinedAs: movedPath, reason: reason)
            diagnostics(failure.description)
            throw failure
        }
    }
}

/// Failures of a `DocumentStore`, each one line naming the document.
public enum DocumentStoreError: UserFacingError, Equatable {
    /// The text cannot be an id (and so is never used in a path).
    case invalidID(kind: String, id: String)
    case unknown(kind: String, id: String)
    case ambiguous(kind: String, prefix: String, candidates: [String])
    case corrupt(kind: String, file: String, quarantinedAs: String?, reason: String)
    case newerSchema(kind: String, id: String, version: Int)
    case trashSlotTaken(kind: String, id: String)
    /// An `update` closure tried to change the document's id.
    case idChanged(kind: String, from: String, to: String)

    struct Unreadable: Error {
        var reason: String
    }

    public var description: String {
        switch self {
        case .invalidID(let kind, let id):
            return "'\(id)' is not a valid \(kind) id (ids use letters, digits, '-' and '_')"
        case .unknown(let kind, let id):
            return "no \(kind) with id '\(id)'"
        case .ambiguous(let kind, let prefix, let candidates):
            return "'\(prefix)' matches \(candidates.count) \(kind)s (\(candidates.prefix(5).joined(separator: ", "))); type more of the id"
        case .corrupt(let kind, let file, let moved, let reason):
            return "\(kind) file \(file) is unreadable (\(reason))" + (moved.map { "; it was moved intact to \($0)" } ?? "")
        case .newerSchema(let kind, let id, let version):
            return "\(kind) \(id) was written by a newer Parley (schema \(version)); it is read-only here"
        case .trashSlotTaken(let kind, let id):
            return "the trash already holds a \(kind) with id \(id)"
        case .idChanged(let kind, let from, let to):
            return "an update tried to change \(kind) id \(from) to \(to); ids never change"
        }
    }
}
