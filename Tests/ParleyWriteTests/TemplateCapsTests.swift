import Foundation
import ParleyCore
import Testing
@testable import ParleyWrite

/// Templates are read like personas and get the same caps.
@Suite("Template caps")
struct TemplateCapsTests {
    @Test func aliasExpansionIsRefused() throws {
        var yaml = "name: bomb\nkind: document\na0: &a0 \"lol\"\n"
        for level in 1...4 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        do {
            _ = try TemplateParser(file: "t.md").parse("---\n\(yaml)---\nWrite.\n")
            Issue.record("accepted")
        } catch let error as TemplateFileError {
            #expect(error.problem.contains("aliases"), "got: \(error.problem)")
        }
    }

    @Test func anOversizedTemplateIsSkipped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tcaps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = "---\nname: big\nkind: document\n---\n" + String(repeating: "word ", count: 60_000)
        try big.write(to: folder.appendingPathComponent("big.md"), atomically: true, encoding: .utf8)
        try "---\nname: ok\nkind: document\n---\nWrite.".write(
            to: folder.appendingPathComponent("ok.md"), atomically: true, encoding: .utf8)
        let library = TemplateLibrary(directories: [folder])
        #expect(library.templates["ok"] != nil)
        #expect(library.templates["big"] == nil)
        #expect(library.problems.count == 1 && library.problems.first?.contains("256 KiB") == true, "\(library.problems)")
    }
}
