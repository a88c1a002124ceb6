import Foundation
import ParleyCore
import ParleyTestSupport
import Testing
@testable import ParleyStore

/// A small document type for the tests.
struct Note: StoredDocument, Equatable {
    static let currentSchemaVersion = 1
    static let kindName = "note"
    var schemaVersion = 1
    var id: String
    var updatedAt: Date
    var lines: [String]
}

@Suite("Document store")
struct DocumentStoreTests {
    let directory: StoreTemporaryDirectory
    let store: DocumentStore<Note>

    init() throws {
        directory = try StoreTemporaryDirectory("documents")
        store = try DocumentStore<Note>(root: directory.url, folder: "notes", diagnostics: { _ in })
    }

    func note(_ id: String, _ lines: [String] = ["a"]) -> Note {
        Note(id: id, updatedAt: Date(timeIntervalSince1970: 1_700_000_000), lines: lines)
    }

    @Test func roundTripsPrivatelyAndRefusesDuplicates() throws {
        defer { directory.remove() }
        try store.create(note("20240101-000000-aaaaaa", ["x", "中文"]))
        #expect(try store.load(id: "20240101-000000-aaaaaa").lines == ["x", "中文"])
        #expect(throws: StoreError.self) { try store.create(note("20240101-000000-aaaaaa")) }
        #expect(mode(of: store.directory) == 0o700)
        #expect(mode(of: store.directory.appendingPathComponent("20240101-000000-aaaaaa.json")) == 0o600)
        let text = try String(contentsOf: store.directory.appendingPathComponent("20240101-000000-aaaaaa.json"), encoding: .utf8)
        #expect(text.contains("中文"))
    }

    @Test func concurrentUpdatesLoseNothing() async throws {
        defer { directory.remove() }
        try store.create(note("20240101-000000-bbbbbb", []))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for n in 0..<25 {
                        _ = try? store.update(id: "20240101-000000-bbbbbb") { $0.lines.append("\(worker)-\(n)") }
                    }
                }
            }
        }
        #expect(try store.load(id: "20240101-000000-bbbbbb").lines.count == 100)
    }

    @Test func unreadableFilesAreQuarantinedIntactAndTheRestList() throws {
        defer { directory.remove() }
        try store.create(note("20240101-000000-cccccc"))
        let bad = store.directory.appendingPathComponent("20240101-000000-dddddd.json")
        let garbage = Data("{\"id\": \"20240101-000000-dddddd\", \"lin".utf8)
        try garbage.write(to: bad)
        let listed = try store.list()
        #expect(listed.map(\.id) == ["20240101-000000-cccccc"])
        let moved = directory.url.appendingPathComponent("quarantine/20240101-000000-dddddd.json")
        #expect(try Data(contentsOf: moved) == garbage)
    }

    @Test func newerSchemaIsNeverRewritten() throws {
        defer { directory.remove() }
        var future = note("20240101-000000-eeeeee")
        future.schemaVersion = 9
        try store.create(future)
        let before = try Data(contentsOf: store.directory.appendingPathComponent("20240101-000000-eeeeee.json"))
        #expect(throws: DocumentStoreError.newerSchema(kind: "note", id: "20240101-000000-eeeeee", version: 9)) {
            try store.update(id: "20240101-000000-eeeeee") { $0.lines = [] }
        }
        #expect(try Data(contentsOf: store.directory.appendingPathComponent("20240101-000000-eeeeee.json")) == before)
    }

    @Test func prefixesResolveAndTrashMovesTheFile() throws {
        defer { directory.remove() }
        try store.create(note("20240101-000000-ffffff"))
        try store.create(note("20240101-000001-gggggg"))
        #expect(try store.resolve("20240101-000001") == "20240101-000001-gggggg")
        #expect(throws: DocumentStoreError.self) { try store.resolve("20240101-00000") }
        #expect(throws: DocumentStoreError.self) { try store.resolve("zzz") }
        try store.trash(id: "20240101-000000-ffffff")
        #expect(try store.list().map(\.id) == ["20240101-000001-gggggg"])
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("trash/notes/20240101-000000-ffffff.json").path))
        #expect(throws: DocumentStoreError.invalidID(kind: "note", id: "../x")) { try store.load(id: "../x") }
        // Named as what it is, never as a conversation.
        #expect(DocumentStoreError.invalidID(kind: "draft", id: "../x").description.contains("not a valid draft id"))
    }
}
