import Foundation
import ParleyCore
import Testing
@testable import ParleyWrite

@Suite("Filling templates")
struct TemplateFillerTests {
    let email = WritingTemplate(
        name: "email", kind: .document, description: "",
        fields: [
            TemplateField(name: "to", prompt: "Who is it to?", required: true),
            TemplateField(name: "topic", prompt: "What about?", required: true),
            TemplateField(name: "sender", prompt: "Your name", required: false),
            TemplateField(name: "greeting", prompt: "Greeting", required: false, defaultValue: "Hi"),
        ],
        defaultLength: .short,
        instruction: "Write an email to {{to}} about {{topic}}.\nSign it as {{sender}}.\nOpen with \"{{greeting}}\".")

    @Test func fillsFieldsDefaultsAndControls() throws {
        let filled = try TemplateFiller.fill(
            email, values: ["to": "Sam", "topic": "  rent\n"],
            controls: WritingControls(tone: .formal, audience: "a landlord", language: "French"))
        #expect(filled.instruction == """
            Write an email to Sam about rent.
            Open with "Hi".

            Use a formal tone.
            Keep it short: under 100 words.
            Write for this audience: a landlord.
            Write it in French.
            """)
        #expect(filled.values == ["to": "Sam", "topic": "rent", "sender": "", "greeting": "Hi"])
        #expect(filled.controls.tone == .formal)
    }

    @Test func aLineOfOnlyEmptyOptionalFieldsIsDropped() throws {
        let withSender = try TemplateFiller.fill(email, values: ["to": "Sam", "topic": "rent", "sender": "Alex", "greeting": ""])
        #expect(withSender.instruction == "Write an email to Sam about rent.\nSign it as Alex.\n\nKeep it short: under 100 words.")
    }

    @Test func missingRequiredFieldsAreAllNamed() {
        #expect(throws: TemplateFillError.missingFields(template: "email", fields: [.init("to", "Who is it to?"), .init("topic", "What about?")])) {
            try TemplateFiller.fill(email, values: ["sender": "Alex"])
        }
        // Blank counts as missing.
        #expect(throws: TemplateFillError.missingFields(template: "email", fields: [.init("topic", "What about?")])) {
            try TemplateFiller.fill(email, values: ["to": "Sam", "topic": " \n "])
        }
        let message = TemplateFillError.missingFields(template: "email", fields: [.init("to", "Who is it to?")]).description
        #expect(message == "template 'email' needs the field 'to' (Who is it to?); give each a value (in the shell: --field NAME=VALUE)")
    }

    @Test func unknownFieldsAreNamedWithTheKnownOnes() {
        #expect(throws: TemplateFillError.unknownFields(template: "email", fields: ["colour", "subject"], known: ["to", "topic", "sender", "greeting"])) {
            try TemplateFiller.fill(email, values: ["to": "Sam", "topic": "rent", "subject": "x", "colour": "red"])
        }
        let message = TemplateFillError.unknownFields(template: "email", fields: ["subject"], known: ["to"]).description
        #expect(message == "'subject' is not a field of template 'email'; its fields: to")
    }

    @Test func valuesAreInsertedLiterallyNeverExpanded() throws {
        let filled = try TemplateFiller.fill(email, values: ["to": "{{topic}}", "topic": "a {{sender}} template"])
        #expect(filled.instruction.hasPrefix("Write an email to {{topic}} about a {{sender}} template."))
    }

    @Test func controlsUsedInTheInstructionAreFilledInPlaceNotRepeated() throws {
        let ad = WritingTemplate(
            name: "ad", kind: .copy, description: "", fields: [],
            instruction: "Write a {{tone}} ad in {{language}}, {{length}}, for {{audience}}.")
        #expect(try TemplateFiller.fill(ad, values: [:]).instruction
            == "Write a neutral ad in the language of this request, medium, for a general audience.")
        let filled = try TemplateFiller.fill(ad, values: [:], controls: WritingControls(tone: .playful, length: .long, audience: "kids", language: "Welsh"))
        #expect(filled.instruction == "Write a playful ad in Welsh, long, for kids.")
    }

    @Test(arguments: [
        (TemplateKind.document, Length.short, "Keep it short: under 100 words."),
        (.copy, .medium, "Keep it to about 200 words."),
        (.document, .long, "Make it detailed: about 500 words."),
        (.code, .short, "Keep it brief."),
        (.code, .long, "Be thorough."),
    ])
    func lengthBecomesAConcreteSentence(kind: TemplateKind, length: Length, sentence: String) throws {
        let template = WritingTemplate(name: "t", kind: kind, description: "", fields: [], instruction: "Do it.")
        let filled = try TemplateFiller.fill(template, values: [:], controls: WritingControls(length: length))
        #expect(filled.instruction == "Do it.\n\n" + sentence)
    }

    @Test func mediumCodeAndNeutralToneAddNothing() throws {
        let template = WritingTemplate(name: "t", kind: .code, description: "", fields: [], instruction: "Do it.")
        #expect(try TemplateFiller.fill(template, values: [:]).instruction == "Do it.")
    }

    @Test func controlsParseCaseInsensitivelyWithClearErrors() throws {
        #expect(try WritingControls.tone(parsing: "Formal") == .formal)
        #expect(try WritingControls.length(parsing: "LONG") == .long)
        #expect(throws: WritingControls.InvalidControl.self) { try WritingControls.tone(parsing: "grumpy") }
        let error = WritingControls.InvalidControl(control: "tone", value: "grumpy", allowed: Tone.allCases.map(\.rawValue))
        #expect(error.description == "unknown tone 'grumpy'; use one of: neutral, formal, friendly, persuasive, playful")
    }

    @Test func previewUsesGivenValuesThenExamplesThenPlaceholders() {
        var template = email
        template.fields[1].example = "the rent"
        let preview = TemplateFiller.preview(template, values: ["to": "Kim"])
        #expect(preview.hasPrefix("Write an email to Kim about the rent.\nSign it as {{sender}}.\nOpen with \"Hi\"."))
    }
}
