import Foundation
import ParleyCore
import ParleyTestSupport
import Testing
@testable import ParleyWrite

/// Template files are outside input: mutated bundled templates give a template or one
/// `TemplateFileError` line, never a crash.
@Suite("Template front matter fuzz")
struct TemplateFuzzTests {
    @Test func mutatedTemplatesGiveATemplateOrOneLine() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Personas/templates")
        let examples = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        let tokens = [
            "{{", "}}", "{{to}}", "fields:\n", "  - name: x\n    prompt: y\n", "required: true\n", "default: 3\n", "*a", "&a ",
            "[", "]", "---\n", ": ", "\"", "\u{0}", "kind: ", "tone: ", "length: ", "## Example\n", "### User\n",
        ]
        var mutator = FuzzMutator(examples: examples, tokens: tokens, seed: 0x7E3D_1A7E)
        var accepted = 0
        for iteration in 0..<1500 {
            let text = String(decoding: mutator.next(), as: UTF8.self)
            do {
                let template = try TemplateParser(file: "fuzz.md").parse(text)
                #expect(!template.name.isEmpty)
                accepted += 1
            } catch let error as TemplateFileError {
                #expect(!error.description.contains("\n"), "iteration \(iteration): \(error.description)")
            } catch {
                Issue.record("iteration \(iteration): not a TemplateFileError: \(error)")
            }
        }
        #expect(accepted > 0)
    }
}

/// Draft files are outside input once on disk: mutated drafts decode to a draft whose versions all
/// work, or fail to decode; never a crash.
@Suite("Draft JSON fuzz")
struct DraftFuzzTests {
    @Test func mutatedDraftFilesDecodeToAWorkingDraftOrFail() throws {
        var draft = try DraftTests.draft()
        draft.addRevision(DraftTests.version("Hi Sam,\nThe heater is broken again.\nAlex", at: 60))
        let example = String(decoding: try ParleyJSON.encoder().encode(draft), as: UTF8.self)
        let tokens = ["{", "}", "[", "]", "\"", ",", ":", "null", "-1", "99999999999999999999", "1e308", "\"\\ud800\"", "0", "[]", "{}"]
        var mutator = FuzzMutator(examples: [example], tokens: tokens, seed: 0xD2AF_7)
        var decoded = 0
        for _ in 0..<2000 {
            guard let value = try? ParleyJSON.decoder().decode(Draft.self, from: Data(mutator.next())) else { continue }
            decoded += 1
            _ = value.current
            _ = try? value.diff(from: 1, to: value.versionCount)
            _ = value.revisionPrompt("shorter")
            var paged = value
            _ = paged.page(by: -1)
        }
        #expect(decoded > 0)
    }
}
