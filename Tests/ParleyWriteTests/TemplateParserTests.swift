import Foundation
import ParleyCore
import Testing
@testable import ParleyWrite

@Suite("Template files")
struct TemplateParserTests {
    let parser = TemplateParser(file: "t.md")

    @Test func readsFrontMatterFieldsInstructionAndExamples() throws {
        let template = try parser.parse("""
            ---
            name: email
            kind: document
            description: An email
            persona: writer
            tone: friendly
            length: short
            fields:
              - name: to
                prompt: Who is it to?
                required: true
                example: Sam
              - name: count
                prompt: How many
                default: 3
            ---
            Write {{ count }} lines to {{to}}.

            ## Example
            ### User
            Write 1 line to Bo.
            ### Assistant
            Hi Bo.
            """)
        #expect(template.name == "email")
        #expect(template.kind == .document)
        #expect(template.description == "An email")
        #expect(template.personaName == "writer")
        #expect(template.defaultTone == .friendly)
        #expect(template.defaultLength == .short)
        #expect(template.fields == [
            TemplateField(name: "to", prompt: "Who is it to?", required: true, example: "Sam"),
            // YAML reads `3` as a number; a field's default is text.
            TemplateField(name: "count", prompt: "How many", required: false, defaultValue: "3"),
        ])
        #expect(template.instruction == "Write {{ count }} lines to {{to}}.")
        #expect(template.examples == [ChatMessage(role: .user, content: "Write 1 line to Bo."), ChatMessage(role: .assistant, content: "Hi Bo.")])
        #expect(template.source == "t.md")
    }

    @Test func thePersonaDefaultsToTheKinds() throws {
        let code = try parser.parse("---\nname: c\nkind: code\n---\nWrite code.")
        #expect(code.personaName == "coder")
        #expect(code.defaultTone == .neutral && code.defaultLength == .medium)
        #expect(try parser.parse("---\nname: c\nkind: copy\n---\nSell.").personaName == "copywriter")
        #expect(try parser.parse("---\nname: c\nkind: document\n---\nWrite.").personaName == "writer")
    }

    /// Each malformed file is an error naming the file and saying what is wrong.
    @Test(arguments: [
        ("name: x\nkind: code", "Write.", "it must start with YAML front matter"),  // (no opening ---, see below)
        ("kind: code", "Write.", "the front matter has no 'name'"),
        ("name: a b\nkind: code", "Write.", "name 'a b' may use only"),
        ("name: x", "Write.", "kind must be document, copy or code"),
        ("name: x\nkind: poem", "Write.", "kind must be document, copy or code"),
        ("name: x\nkind: code\ncolour: red", "Write.", "unknown front matter key 'colour'"),
        ("name: x\nkind: code\ntone: grumpy", "Write.", "tone must be one of neutral, formal, friendly, persuasive, playful"),
        ("name: x\nkind: code\nlength: huge", "Write.", "length must be one of short, medium, long"),
        ("name: x\nkind: code", "", "the instruction (the text after the front matter) is empty"),
        ("name: x\nkind: code", "Write {{topic}}.", "the instruction uses {{topic}}, which is not a field"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?", "Write.", "field 'a' is declared but the instruction never uses {{a}}"),
        ("name: x\nkind: code\nfields:\n  - prompt: A?", "Write.", "field 1 needs a 'name'"),
        ("name: x\nkind: code\nfields:\n  - name: a", "Write {{a}}.", "field 'a' needs a 'prompt'"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?\n    colour: red", "Write {{a}}.", "field 'a': unknown key 'colour'"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?\n    required: yes please", "Write {{a}}.", "required must be true or false"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?\n    required: true\n    default: b", "Write {{a}}.", "is required and has a default"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?\n  - name: a\n    prompt: A again?", "Write {{a}}.", "field 'a' is declared twice"),
        ("name: x\nkind: code\nfields:\n  - name: tone\n    prompt: T?", "Write {{tone}}.", "field 'tone' has the name of a control"),
        ("name: x\nkind: code\nfields: nope", "Write.", "'fields' must be a list"),
        ("name: x\nkind: code\nfields:\n  - just text", "Write.", "field 1 must be a mapping"),
        ("name: [x\nkind: code", "Write.", "front matter:"),
        ("name: x\nkind: code", "Write.\n\n## Example\n### User\nHi", "the last example has a '### User' part but no '### Assistant' answer"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?\n    mention: some", "Write {{a}}.", "mention must be all, any or none"),
        ("name: x\nkind: code\nfields:\n  - name: a\n    prompt: A?\n    multiline: 2", "Write {{a}}.", "multiline must be true or false"),
        ("name: x\nkind: code\nstructure: yes", "Write.", "'structure' must be a mapping"),
        ("name: x\nkind: code\nstructure:\n  colour: red", "Write.", "structure: unknown rule 'colour'"),
        ("name: x\nkind: code\nstructure:\n  output: xml", "Write.", "output must be text or json"),
        ("name: x\nkind: code\nstructure:\n  output: json", "Write.", "output json needs sections, a list or hashtags"),
        ("name: x\nkind: code\nstructure:\n  output: json\n  list: true\n  code-block: true", "Write.", "are rules for text output"),
        ("name: x\nkind: code\nstructure:\n  subject: \"{{topic}}\"", "Write.", "structure uses {{topic}}, which is not a field"),
        ("name: x\nkind: code\nstructure:\n  shorter-than: text", "Write.", "shorter-than names 'text', which is not a field"),
        ("name: x\nkind: code\nstructure:\n  hashtags: 0", "Write.", "hashtags must be a whole number above 0"),
        ("name: x\nkind: code\nstructure:\n  labels: bold", "Write.", "labels must be heading, inline or none"),
        ("name: x\nkind: code\nstructure:\n  sections: [A, {B: table}]", "Write.", "each section is a name"),
        ("name: x\nkind: code\nstructure:\n  sections: [Items]", "Write.", "section names must differ"),
        ("name: x\nkind: code\nstructure:\n  list: {count: many}", "Write.", "count must be a number or a {{field}}"),
        ("name: x\nkind: code\nstructure:\n  list: {min: 5, max: 2}", "Write.", "min is above max"),
        ("name: x\nkind: code\nstructure:\n  list: {sub-items: 3-1}", "Write.", "sub-items must be a number or a range"),
        ("name: x\nkind: code\nstructure:\n  output: json\n  list: true", "Write.\n\n## Example\n### User\nHi\n### Assistant\n1. text", "each example answer must be a JSON object"),
    ])
    func malformedFilesNameTheProblem(frontMatter: String, body: String, problem: String) {
        let text = problem.hasPrefix("it must start") ? frontMatter + "\n---\n" + body : "---\n" + frontMatter + "\n---\n" + body
        do {
            _ = try parser.parse(text)
            Issue.record("parsed a malformed file: \(problem)")
        } catch let error as TemplateFileError {
            #expect(error.file == "t.md")
            #expect(error.problem.contains(problem), "\(error.problem)")
            #expect(error.description.hasPrefix("template file t.md: "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func readsStructureAndHowFieldsAreChecked() throws {
        let template = try parser.parse("""
            ---
            name: notes
            kind: document
            fields:
              - name: topic
                prompt: About?
                mention: all
              - name: notes
                prompt: Notes?
                mention: any
                multiline: true
              - name: count
                prompt: How many?
            structure:
              output: json
              title: "{{topic}}"
              sections:
                - Summary
                - Action items: list
              labels: inline
              list: {count: "{{count}}", max-words: 8, sub-items: 2-3}
              hashtags: 3
            ---
            Notes on {{topic}} from {{notes}}, {{count}} points.

            ## Example
            ### User
            Notes on lunch.
            ### Assistant
            {"title": "Lunch", "summary": "We ate.", "action_items": ["Bo: pay"], "items": [], "hashtags": []}
            """)
        #expect(template.fields.map(\.mention) == [.all, .any, .none])
        #expect(template.fields.map(\.multiline) == [false, true, false])
        let structure = template.structure
        #expect(structure.output == .json)
        #expect(structure.title == "{{topic}}")
        #expect(structure.sections == [.init("Summary"), .init("Action items", isList: true)])
        #expect(structure.sections.map(\.key) == ["summary", "action_items"])
        #expect(structure.labels == .inline)
        #expect(structure.list == TemplateStructure.ListRule(count: "{{count}}", maxWords: 8, subItems: 2...3))
        #expect(structure.list?.itemRange(values: ["count": "4"]) == 4...4)
        #expect(structure.list?.itemRange(values: ["count": "lots"]) == 1...50)
        #expect(structure.hashtags == 3)
        #expect(template.exampleAnswers.count == 1)
        // A template without the key has no rules, and its fields no checks.
        let plain = try parser.parse("---\nname: c\nkind: code\nfields:\n  - name: a\n    prompt: A?\n---\nWrite {{a}}.")
        #expect(plain.structure.isEmpty)
        #expect(plain.fields.first?.mention == TemplateField.Mention.none && plain.fields.first?.multiline == false)
    }

    @Test func controlsMayBeUsedAsPlaceholders() throws {
        let template = try parser.parse("---\nname: x\nkind: copy\n---\nWrite a {{tone}}, {{length}} ad for {{audience}} in {{language}}.")
        #expect(template.fields.isEmpty)
    }

    @Test func placeholdersAreReadStrictly() {
        let text = PlaceholderText("a {{x}} b {{ y-1 }} {{not closed {{z }} {{}} {{a b}} }}{{x}}")
        #expect(text.names == ["x", "y-1", "z"])
        #expect(text.rendered { "<\($0)>" } == "a <x> b <y-1> {{not closed <z> {{}} {{a b}} }}<x>")
    }
}

@Suite("Template library")
struct TemplateLibraryTests {
    func write(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func aMalformedFileIsNamedAndTheOthersStillLoad() throws {
        let first = try write([
            "good.md": "---\nname: good\nkind: copy\n---\nSell it.",
            "bad.md": "---\nname: bad\nkind: copy\n---\nSell {{thing}}.",
            "binary.md": "---\nname: bin\n\u{FFFF}",
            "README.md": "not a template",
            "notes.txt": "ignored",
        ])
        try Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE]).write(to: first.appendingPathComponent("latin.md"))
        let second = try write(["good.md": "---\nname: good\nkind: code\n---\nCode it.", "other.md": "---\nname: other\nkind: document\n---\nWrite."])
        defer { for d in [first, second] { try? FileManager.default.removeItem(at: d) } }
        let library = TemplateLibrary(directories: [first, second, first.appendingPathComponent("missing")])
        #expect(library.all.map(\.name) == ["good", "other"])
        // A later directory overrides an earlier template of the same name.
        #expect(try library.template(named: "good").kind == .code)
        #expect(library.problems.count == 3, "\(library.problems)")
        #expect(library.problems.contains { $0.contains("bad.md") && $0.contains("{{thing}}") })
        #expect(library.problems.contains { $0.contains("latin.md") && $0.contains("not UTF-8") })
        #expect(library.byKind.map(\.kind) == [.document, .code])
        #expect(throws: TemplateLibrary.UnknownTemplate(name: "nope", known: ["good", "other"])) { try library.template(named: "nope") }
        #expect(TemplateLibrary.UnknownTemplate(name: "nope", known: ["good"]).description
            == "unknown template 'nope'; known templates: good")
    }

    @Test func directoriesFollowThePersonaOrder() {
        let directories = TemplateLibrary.directories(
            bundledPersonas: URL(fileURLWithPath: "/opt/parley/personas"), configDirectory: URL(fileURLWithPath: "/home/u/.config/parley"),
            extraPersonas: URL(fileURLWithPath: "/srv/mine"))
        #expect(directories.map(\.path) == ["/opt/parley/personas/templates", "/home/u/.config/parley/templates", "/srv/mine/templates"])
        #expect(TemplateLibrary.directories(bundledPersonas: nil, configDirectory: URL(fileURLWithPath: "/c"), extraPersonas: nil).map(\.path)
            == ["/c/templates"])
    }
}
