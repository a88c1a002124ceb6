import Foundation
import ParleyCore
import ParleyPersonas
import Testing
@testable import ParleyWrite

/// The templates shipped in `Personas/templates/` are product: each must load, name a persona
/// that exists, and fill with the example values it documents.
@Suite("Bundled templates")
struct BundledTemplateTests {
    static let personas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Personas")
    static let library = TemplateLibrary(directories: [personas.appendingPathComponent("templates")])

    static let expected: [String: TemplateKind] = [
        "email": .document, "report": .document, "meeting-notes": .document, "outline": .document, "summary": .document,
        "cover-letter": .document,
        "aida": .copy, "pas": .copy, "product-description": .copy, "slogan": .copy, "social-post": .copy, "press-release": .copy,
        "function": .code, "unit-tests": .code, "explain-code": .code, "commit-message": .code, "docstring": .code,
    ]

    @Test func allLoadWithoutProblems() {
        #expect(Self.library.problems == [])
        #expect(Set(Self.library.templates.keys) == Set(Self.expected.keys))
        for (name, kind) in Self.expected { #expect(Self.library.templates[name]?.kind == kind, "\(name)") }
    }

    @Test func theFieldsTheIssueNamesAreThere() throws {
        let email = try Self.library.template(named: "email")
        #expect(email.field(named: "to")?.required == true)
        #expect(email.field(named: "topic")?.required == true)
        #expect(try Self.library.template(named: "slogan").field(named: "product")?.required == true)
        #expect(try Self.library.template(named: "commit-message").field(named: "diff")?.required == true)
    }

    @Test(arguments: expected.keys.sorted())
    func fillsWithItsExampleValues(name: String) throws {
        let template = try Self.library.template(named: name)
        let personas = PersonaLibrary(directories: [Self.personas])
        #expect(personas.problems == [])
        #expect(personas.personas[template.personaName] != nil, "\(name) uses persona \(template.personaName)")
        #expect(!template.description.isEmpty)
        var values: [String: String] = [:]
        for field in template.fields {
            #expect(!field.prompt.isEmpty)
            let example = try #require(field.example, "\(name).\(field.name) has no example value")
            values[field.name] = example
        }
        let filled = try TemplateFiller.fill(template, values: values)
        #expect(!filled.instruction.contains("{{"), "\(filled.instruction)")
        for value in values.values where !value.isEmpty {
            #expect(filled.instruction.contains(value.trimmingCharacters(in: .whitespacesAndNewlines)), "\(name) lost a value")
        }
        // Small models follow short instructions: keep each template's own text brief.
        #expect(template.instruction.split(separator: " ").count < 90, "\(name) has a long instruction")
        // With only its required fields, it still fills (optional lines drop out or take defaults).
        let required = values.filter { key, _ in template.field(named: key)?.required == true }
        #expect(!(try TemplateFiller.fill(template, values: required).instruction.contains("{{")))
    }

    /// Examples teach the format, not the content: short, about something other than the values a
    /// template documents, and (for JSON templates) JSON the program can lay out.
    @Test(arguments: expected.keys.sorted())
    func examplesAreShortAndAboutSomethingElse(name: String) throws {
        let template = try Self.library.template(named: name)
        let values = Dictionary(uniqueKeysWithValues: template.fields.map { ($0.name, $0.example ?? "") })
        let named = template.fields.filter { $0.mention == .all && !(values[$0.name] ?? "").isEmpty }
        for answer in template.exampleAnswers {
            let text = DraftNormalizer.finish(answer, template: template, values: [:])
            #expect(TextTokens.wordCount(text) <= 60, "\(name): a long example")
            let missing = FieldMentionCheck.missing(in: text, fields: named, values: values)
            #expect(missing.count == named.count, "\(name): the example is about the documented values")
            if template.structure.output == .json {
                #expect(JSONDraftRenderer.render(answer, structure: template.structure, values: [:]) != nil, "\(name)")
            }
        }
    }
}
