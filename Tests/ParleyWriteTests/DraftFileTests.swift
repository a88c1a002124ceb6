import Foundation
import ParleyTestSupport
import Testing
import ParleyStore
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
        #expect(throws: OutputFile.Failure.exists(path: path)) { try DraftFile.save("draft", to: path, overwrite: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mine\n")
        #expect(OutputFile.Failure.exists(path: "a.md").description == "a.md already exists; not overwriting it")
        try DraftFile.save("draft\n", to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "draft\n")
        // The replaced file keeps its permissions; no temporary files are left behind.
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["notes.md"])
    }

    /// A link is followed (its target is what gets written; see OutputFileTests), so one into a
    /// directory that does not exist is refused like that path itself; a directory never is a file.
    @Test func aLinkIntoNowhereOrADirectoryIsRefused() throws {
        let directory = try StoreTemporaryDirectory("save")
        defer { directory.remove() }
        let link = directory.url.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent/target")
        #expect(throws: OutputFile.Failure.noDirectory(path: link, directory: "/nonexistent")) {
            try DraftFile.save("x", to: link, overwrite: false)
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "/nonexistent/target")
        let sub = directory.url.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        #expect(throws: OutputFile.Failure.isDirectory(path: sub)) { try DraftFile.save("x", to: sub, overwrite: false) }
        #expect(throws: OutputFile.Failure.isDirectory(path: sub)) { try DraftFile.save("x", to: sub, overwrite: true) }
        let missing = directory.url.appendingPathComponent("no/such/dir/file.txt").path
        #expect(throws: OutputFile.Failure.self) { try DraftFile.save("x", to: missing, overwrite: true) }
    }

    /// `write -o LINK --force` used to rename the draft over the link itself.
    @Test func aForcedSaveThroughALinkWritesItsTargetAndKeepsTheLink() throws {
        let directory = try StoreTemporaryDirectory("save")
        defer { directory.remove() }
        let target = directory.url.appendingPathComponent("real.md").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o664)
        let link = directory.url.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.md")
        #expect(throws: OutputFile.Failure.exists(path: link)) { try DraftFile.save("new", to: link, overwrite: false) }
        try DraftFile.save("new", to: link, overwrite: true)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.md")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect((try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int) == 0o664)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["link.md", "real.md"])
    }
}
