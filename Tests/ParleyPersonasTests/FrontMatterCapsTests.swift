import Foundation
import ParleyCore
import Testing
@testable import ParleyPersonas

/// Persona (and template) files are outside input: one hostile or broken file must cost
/// milliseconds and a one-line problem, never memory or time, and the other files still load.
@Suite("Front matter caps")
struct FrontMatterCapsTests {
    /// YAML's "billion laughs": each level's anchor holds nine aliases of the level before it.
    static func laughs(levels: Int) -> String {
        var yaml = "name: bomb\na0: &a0 \"lol\"\n"
        for level in 1...levels {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(previous)]\n"
        }
        return "---\n\(yaml)---\nA prompt.\n"
    }

    func problem(_ text: String) -> String? {
        do {
            _ = try PersonaParser(file: "p.md").parse(text)
            return nil
        } catch let error as PersonaError {
            return error.problem
        } catch {
            return "wrong error: \(error)"
        }
    }

    @Test func aliasExpansionIsRefusedBeforeYAMLExpandsIt() throws {
        let found = try #require(problem(Self.laughs(levels: 4)))
        #expect(found.contains("aliases"), "got: \(found)")
    }

    /// Nine levels took 4 GB and 52 s before the cap; now it is refused at once.
    @Test func aNineLevelBillionLaughsIsRefusedInMilliseconds() throws {
        let clock = ContinuousClock()
        var found: String?
        let elapsed = clock.measure { found = problem(Self.laughs(levels: 9)) }
        #expect(found?.contains("aliases") == true, "got: \(String(describing: found))")
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
    }

    @Test func aFewAliasesStillWork() throws {
        let persona = try PersonaParser(file: "p.md").parse("---\nname: &n tester\ndescription: *n\n---\nprompt\n")
        #expect(persona.description == "tester")
    }

    @Test func emphasisInTextIsNotAnAliasWithoutAnchors() throws {
        let stars = (1...40).map { "*w\($0)*" }.joined(separator: " ")
        let persona = try PersonaParser(file: "p.md").parse("---\nname: x\ndescription: \"\(stars)\"\n---\nprompt\n")
        #expect(persona.description.hasPrefix("*w1*"))
    }

    @Test func deepNestingIsRefused() throws {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let found = try #require(problem("---\nname: x\ndescription: \(deep)\n---\nprompt\n"))
        #expect(found.contains("nested deeper than"), "got: \(found)")
    }

    /// Found by the fuzz test: Yams stopped the process on a key that is not plain text.
    @Test(arguments: ["? [a, b]\n: c", "? ? x\n", "k: {[a]: b}"])
    func aKeyThatIsAListOrAMappingIsAProblemNotACrash(yaml: String) throws {
        let found = try #require(problem("---\nname: x\n\(yaml)\n---\nprompt\n"))
        #expect(found.contains("key must be plain text"), "got: \(found)")
    }

    @Test func anOversizedTextIsRefusedBeforeParsing() throws {
        let big = "---\nname: x\n---\n" + String(repeating: "word ", count: 60_000)
        let found = try #require(problem(big))
        #expect(found.contains("256 KiB"), "got: \(found)")
    }
}

@Suite("Persona library caps")
struct PersonaLibraryCapsTests {
    func directory(_ files: [String: String]) throws -> URL { try PersonaLibraryTests().directory(files) }

    @Test func anOversizedFileIsNamedAndSkippedAndTheOthersLoad() throws {
        let big = "---\nname: big\n---\n" + String(repeating: "word ", count: 60_000)
        let folder = try directory(["big.md": big, "ok.md": "---\nname: ok\n---\nfine"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ContinuousClock()
        var library: PersonaLibrary?
        let elapsed = clock.measure { library = PersonaLibrary(directories: [folder]) }
        let loaded = try #require(library)
        #expect(try loaded.persona(named: "ok").systemPrompt == "fine")
        #expect(loaded.personas["big"] == nil)
        #expect(loaded.problems.count == 1)
        #expect(loaded.problems.first?.contains("big.md") == true)
        #expect(loaded.problems.first?.contains("256 KiB") == true, "\(loaded.problems)")
        #expect(elapsed < .milliseconds(500))
    }

    @Test func aFIFOIsNamedOnceAsNotARegularFile() throws {
        let folder = try directory(["ok.md": "---\nname: ok\n---\nfine"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("pipe.md").path, 0o600) == 0)
        let library = PersonaLibrary(directories: [folder])
        #expect(library.personas["ok"] != nil)
        #expect(library.problems.count == 1)
        let line = try #require(library.problems.first)
        #expect(line.contains("pipe.md") && line.contains("not a regular file"), "\(line)")
        #expect(!line.contains("Cocoa") && !line.contains("Error Domain"), "\(line)")
    }
}
