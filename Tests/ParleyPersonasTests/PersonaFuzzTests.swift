import Foundation
import ParleyTestSupport
import Testing
@testable import ParleyPersonas

/// Persona files are outside input: mutated bundled personas (and a few hostile shapes) give a
/// persona or one `PersonaError` line, never a crash, a hang or a blow-up.
@Suite("Persona front matter fuzz")
struct PersonaFuzzTests {
    static let tokens = [
        "---\n", "*a", "&a ", "*a ", "[", "]", "{", "}", ": ", "\n  - ", "\"", "'", "## Example\n", "### User\n",
        "### Assistant\n", "\t", "\u{0}", "!!binary ", "<<: *a\n", "? ", "|\n", ">-\n", "%YAML 1.2\n", "\r\n", "```\n",
        "name: ", "temperature: ", "1e999", "\u{FEFF}", "\u{1B}[31m",
    ]

    @Test func mutatedPersonaFilesGiveAPersonaOrOneLine() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Personas")
        var examples = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        examples.append(FrontMatterCapsTests.laughs(levels: 3))
        var mutator = FuzzMutator(examples: examples, tokens: Self.tokens, seed: 0x9E45_0A1)
        var accepted = 0
        for iteration in 0..<1500 {
            let text = String(decoding: mutator.next(), as: UTF8.self)
            do {
                let persona = try PersonaParser(file: "fuzz.md").parse(text)
                #expect(!persona.name.isEmpty && !persona.systemPrompt.isEmpty)
                accepted += 1
            } catch let error as PersonaError {
                #expect(!error.description.contains("\n"), "iteration \(iteration): \(error.description)")
            } catch {
                Issue.record("iteration \(iteration): not a PersonaError: \(error)")
            }
        }
        #expect(accepted > 0)
    }
}
