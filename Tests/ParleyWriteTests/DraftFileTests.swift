import Foundation
import ParleyTestSupport
import Testing
@testable import ParleyWrite

/// `/save FILE` and `-o FILE`: never overwrite without being told to.
@Suite("Saving a draft to a file")
struct DraftFileTests {
    @Test func writesANewFileEndingWithANewline() throws {
        let directory = try StoreTemporaryDirectory("save")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("draft.txt").path
        try DraftFile.save("Hello 世界", to: path, overwrite: false)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "Hello 世界\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["draft.txt"])
    }

    @Test func refusesToOverwriteUnlessForced() throws {
        let directory = try StoreTemporaryDirectory("save")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("notes.md").path
        try "mine\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o640)
        #expect(throws: DraftFile.SaveError.exists(path: path)) { try DraftFile.save("draft", to: path, overwrite: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mine\n")
        #expect(DraftFile.SaveError.exists(path: "a.md").description == "a.md already exists; not overwriting it (use --force to replace it)")
        try DraftFile.save("draft\n", to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "draft\n")
        // The replaced file keeps its permissions; no temporary files are left behind.
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["notes.md"])
    }

    @Test func aDanglingLinkOrADirectoryIsNotReplaced() throws {
        let directory = try StoreTemporaryDirectory("save")
        defer { directory.remove() }
        let link = directory.url.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent/target")
        #expect(throws: DraftFile.SaveError.exists(path: link)) { try DraftFile.save("x", to: link, overwrite: false) }
        let sub = directory.url.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        #expect(throws: DraftFile.SaveError.exists(path: sub)) { try DraftFile.save("x", to: sub, overwrite: false) }
        #expect(throws: DraftFile.SaveError.isDirectory(path: sub)) { try DraftFile.save("x", to: sub, overwrite: true) }
        let missing = directory.url.appendingPathComponent("no/such/dir/file.txt").path
        #expect(throws: DraftFile.SaveError.self) { try DraftFile.save("x", to: missing, overwrite: true) }
    }
}
