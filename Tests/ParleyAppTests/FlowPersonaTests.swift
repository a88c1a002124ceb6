import Foundation
import ParleyCore
import ParleyPersonas
import ParleyTestSupport
import ParleyWrite
import Testing

@testable import ParleyApp

/// The personas the program's flows speak with are chosen by one function each, which `parley
/// decide`, `parley write revise` and the chat screen all call.
@Suite("Flow personas")
struct FlowPersonaTests {
    @Test func theDecisionCoachIsTheBundledOne() throws {
        let library = PersonaLibrary(directories: [RunnerFixture.bundledPersonas])
        #expect(library.decisionCoach == (try library.persona(named: "decision-coach")))
    }

    @Test func withoutItsFileTheDecisionCoachIsTheBuiltInAssistant() {
        #expect(PersonaLibrary(directories: []).decisionCoach == Persona.builtInAssistant)
    }

    @Test func aRevisionIsWrittenByTheTemplatesPersonaElseItsKinds() throws {
        var template = WritingTemplate(name: "pitch", kind: .copy, description: "", fields: [], persona: "writer", instruction: "Pitch it.")
        let draft = Draft(
            template: template, filled: try TemplateFiller.fill(template, values: [:]),
            first: DraftVersion(text: "Buy it.", instruction: "Pitch it."))
        #expect(draft.revisionPersonaName(template: template) == "writer")
        template.persona = nil
        #expect(draft.revisionPersonaName(template: template) == "copywriter")
        #expect(draft.revisionPersonaName(template: nil) == "copywriter")
    }
}
