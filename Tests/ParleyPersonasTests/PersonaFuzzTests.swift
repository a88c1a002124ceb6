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

    @Test func mutatedPersonaFilesGiveAPersonaOrOneLine() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Personas")
        var examples = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        examples.append(FrontMatterCapsTests.laughs(levels: 3))
        let found = await OwnThread.run { [examples] in
            var mutator = FuzzMutator(examples: examples, tokens: Self.tokens, seed: 0x9E45_0A1)
            var (accepted, failures) = (0, [String]())
            for iteration in 0..<1500 {
                let text = String(decoding: mutator.next(), as: UTF8.self)
                do {
                    let persona = try PersonaParser(file: "fuzz.md").parse(text)
                    if persona.name.isEmpty || persona.systemPrompt.isEmpty { failures.append("iteration \(iteration): empty persona") }
                    accepted += 1
                } catch let error as PersonaError {
                    if error.description.contains("\n") { failures.append("iteration \(iteration): \(error.description)") }
                } catch {
                    failures.append("iteration \(iteration): not a PersonaError: \(error)")
                }
            }
            return (accepted, failures)
        }
        #expect(found.1.isEmpty, "\(found.1.prefix(5))")
        #expect(found.0 > 0)
    }
}
