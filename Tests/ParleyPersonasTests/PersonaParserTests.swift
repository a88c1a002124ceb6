import Foundation
import ParleyCore
import Testing
@testable import ParleyPersonas

@Suite("Persona files")
struct PersonaParserTests {
    let parser = PersonaParser(file: "p.md")

    @Test func readsFrontMatterPromptAndExamples() throws {
        let persona = try parser.parse("""
            ---
            name: tester
            description: "Tests: things"
            mode: decide
            temperature: 0.3
            backend: lan
            ---
            Be precise.

            ## Rules
            No guessing.

            ## Example
            ### User
            Hi
            ### Assistant
            Hello.

            ## Example 2
            ### User
            Code?
            ### Assistant
            ```
            ## not a heading inside a fence
            ```
            """)
        #expect(persona.name == "tester")
        #expect(persona.description == "Tests: things")
        #expect(persona.mode == .decide)
        #expect(persona.temperature == 0.3)
        #expect(persona.backend == "lan")
        #expect(persona.systemPrompt == "Be precise.\n\n## Rules\nNo guessing.")
        #expect(persona.examples == [
            ChatMessage(role: .user, content: "Hi"), ChatMessage(role: .assistant, content: "Hello."),
            ChatMessage(role: .user, content: "Code?"),
            ChatMessage(role: .assistant, content: "```\n## not a heading inside a fence\n```"),
        ])
    }

    @Test(arguments: [
        ("no front matter", "it must start with YAML front matter"),
        ("---\nname: x\nbody", "the front matter is not closed"),
        ("---\ndescription: d\n---\nprompt", "the front matter has no 'name'"),
        ("---\nname: a/b\n---\nprompt", "name 'a/b' may use only"),
        ("---\nname: x\ncolour: red\n---\nprompt", "unknown front matter key 'colour'"),
        ("---\nname: x\nmode: sing\n---\nprompt", "mode must be chat, decide or write"),
        ("---\nname: x\ntemperature: 5\n---\nprompt", "temperature 5.0 is out of range"),
        ("---\nname: x\n---\n", "the system prompt (the text after the front matter) is empty"),
        ("---\nname: [x\n---\nprompt", "front matter:"),
        ("---\nname: x\n---\np\n## Example\n### Assistant\nhi", "example turns must alternate"),
        ("---\nname: x\n---\np\n## Example\n### User\nhi", "no '### Assistant' answer"),
        ("---\nname: x\n---\np\n## Example\n### Robot\nhi", "use '### User' or '### Assistant'"),
        ("---\nname: x\n---\np\n## Example\n### User\n\n### Assistant\nhi", "'### User' part is empty"),
    ])
    func malformedFilesNameTheFileAndProblem(text: String, problem: String) {
        do {
            _ = try parser.parse(text)
            Issue.record("accepted: \(text)")
        } catch let error as PersonaError {
            #expect(error.file == "p.md")
            #expect(error.problem.contains(problem), "got: \(error.problem)")
            #expect(error.description.hasPrefix("persona file p.md: "))
        } catch {
            Issue.record("wrong error: \(error)")
        }
    }
}

@Suite("Persona library")
struct PersonaLibraryTests {
    func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-personas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func laterDirectoriesOverrideAndBadFilesAreReportedNotFatal() throws {
        let bundled = try directory([
            "a.md": "---\nname: a\n---\nbundled a", "b.md": "---\nname: b\n---\nbundled b",
            "broken.md": "no front matter", "README.md": "# not a persona",
        ])
        let user = try directory(["a.md": "---\nname: a\n---\nuser a"])
        defer {
            try? FileManager.default.removeItem(at: bundled)
            try? FileManager.default.removeItem(at: user)
        }
        let library = PersonaLibrary(directories: [bundled, user])
        #expect(try library.persona(named: "a").systemPrompt == "user a")
        #expect(try library.persona(named: "b").systemPrompt == "bundled b")
        #expect(library.problems.count == 1)
        #expect(library.problems.first?.contains("broken.md") == true)
        #expect(try library.persona(named: "assistant") == Persona.builtInAssistant)
        #expect(throws: PersonaLibrary.UnknownPersona.self) { try library.persona(named: "zzz") }
    }

    @Test func withNoDirectoriesTheBuiltInAssistantIsThere() {
        let library = PersonaLibrary(directories: [URL(fileURLWithPath: "/nonexistent-parley-dir")])
        #expect(library.all.map(\.name) == ["assistant"])
        #expect(library.problems.isEmpty)
    }

    /// The personas that ship with Parley all parse and each carries at least two worked examples.
    @Test func bundledPersonasAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let library = PersonaLibrary(directories: [root.appendingPathComponent("Personas")])
        #expect(library.problems.isEmpty, "\(library.problems)")
        for name in ["assistant", "decision-coach", "writer", "copywriter", "coder", "listener"] {
            let persona = try library.persona(named: name)
            #expect(persona.source != nil, "\(name) must come from its file")
            #expect(persona.examples.count >= 4, "\(name) needs at least two examples")
            #expect(!persona.description.isEmpty)
        }
    }
}
