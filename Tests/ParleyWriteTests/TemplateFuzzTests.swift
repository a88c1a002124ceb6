import Foundation
import ParleyCore
import ParleyTestSupport
import Testing
@testable import ParleyWrite

/// Template files are outside input: mutated bundled templates give a template or one
/// `TemplateFileError` line, never a crash.
@Suite("Template front matter fuzz")
struct TemplateFuzzTests {
    @Test func mutatedTemplatesGiveATemplateOrOneLine() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Personas/templates")
        let examples = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        let tokens = [
            "{{", "}}", "{{to}}", "fields:\n", "  - name: x\n    prompt: y\n", "required: true\n", "default: 3\n", "*a", "&a ",
            "[", "]", "---\n", ": ", "\"", "\u{0}", "kind: ", "tone: ", "length: ", "## Example\n", "### User\n",
        ]
        let found = await OwnThread.run { [examples, tokens] in
            var mutator = FuzzMutator(examples: examples, tokens: tokens, seed: 0x7E3D_1A7E)
            var (accepted, failures) = (0, [String]())
            for iteration in 0..<1500 {
                let text = String(decoding: mutator.next(), as: UTF8.self)
                do {
                    let template = try TemplateParser(file: "fuzz.md").parse(text)
                    if template.name.isEmpty { failures.append("iteration \(iteration): a template without a name") }
                    accepted += 1
                } catch let error as TemplateFileError {
                    if error.description.contains("\n") { failures.append("iteration \(iteration): \(error.description)") }
                } catch {
                    failures.append("iteration \(iteration): not a TemplateFileError: \(error)")
                }
            }
            return (accepted, failures)
        }
        #expect(found.1.isEmpty, "\(found.1.prefix(5))")
        #expect(found.0 > 0)
    }
}

/// Draft files are outside input once on disk: mutated drafts decode to a draft whose versions all
/// work, or fail to decode; never a crash.
@Suite("Draft JSON fuzz")
struct DraftFuzzTests {
    @Test func mutatedDraftFilesDecodeToAWorkingDraftOrFail() async throws {
        var draft = try DraftTests.draft()
        draft.addRevision(DraftTests.version("Hi Sam,\nThe heater is broken again.\nAlex", at: 60))
        let example = String(decoding: try ParleyJSON.encoder().encode(draft), as: UTF8.self)
        let tokens = ["{", "}", "[", "]", "\"", ",", ":", "null", "-1", "99999999999999999999", "1e308", "\"\\ud800\"", "0", "[]", "{}"]
        let decoded = await OwnThread.run {
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
            return decoded
        }
        #expect(decoded > 0)
    }
}
