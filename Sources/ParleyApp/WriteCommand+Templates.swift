import ArgumentParser
import ParleyCore
import ParleyWrite

extension WriteCommand {
    /// `parley write list`: the templates by kind.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the templates by kind.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array of the templates.") var json = false

        func run() async throws {
            let library = try AppContext(global: global).loadTemplates()
            if json {
                Console.out(try JSONOutput.encode(library.all.map(TemplateJSON.init)) + "\n")
                return
            }
            let width = library.all.map(\.name.count).max() ?? 0
            var out = ""
            for group in library.byKind {
                out += (out.isEmpty ? "" : "\n") + group.kind.title + "\n"
                for template in group.templates {
                    out += "  " + template.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + template.description + "\n"
                }
            }
            if out.isEmpty { Console.status("no templates found") }
            Console.out(out)
        }
    }

    /// `parley write show TEMPLATE`: what a template asks for and the instruction it makes.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a template's fields, what its drafts must have, and its filled instruction.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The template.", valueName: "template")) var template: String
        @OptionGroup var values: TemplateValueOptions

        func run() async throws {
            let template = try AppContext(global: global).loadTemplates().template(named: self.template)
            let given = try values.givenValues(inputLimit: SizeLimits.defaultMaxInputBytes)
            if let unknown = given.keys.sorted().first(where: { template.field(named: $0) == nil }) {
                throw TemplateFillError.unknownFields(template: template.name, fields: [unknown], known: template.fields.map(\.name))
            }
            Console.out(Self.description(of: template, values: given, controls: try values.controls))
        }

        static func description(of template: WritingTemplate, values: [String: String], controls: WritingControls) -> String {
            var out = "\(template.name) (\(template.kind.rawValue)) — \(template.description)\n"
            out += "persona \(template.personaName) · tone \(template.defaultTone.rawValue) · length \(template.defaultLength.rawValue)"
            out += " · from \(template.source ?? "built in")\n\nFields:\n"
            if template.fields.isEmpty { out += "  (none)\n" }
            for field in template.fields {
                let checked = field.mention == .all ? ", must appear" : field.mention == .any ? ", the draft is about it" : ""
                let tags = [field.required ? "required" : nil, field.multiline ? "multi-line" : nil].compactMap { $0 }.joined(separator: ", ") + checked
                var line = "  \(field.name)\(tags.isEmpty ? "" : " (\(tags.hasPrefix(", ") ? String(tags.dropFirst(2)) : tags))")  \(field.prompt)"
                if let value = field.defaultValue, !value.isEmpty { line += " [default: \(value)]" }
                if let example = field.example { line += " — e.g. \(example.split(whereSeparator: \.isNewline).first ?? "")" }
                out += line + "\n"
            }
            out += "  Controls on every template: --tone, --length, --audience, --language\n"
            let sample = Dictionary(uniqueKeysWithValues: template.fields.map { ($0.name, values[$0.name] ?? $0.defaultValue ?? $0.example ?? "") })
            if let shape = template.structure.summary(values: sample) {
                let how = template.structure.output == .json ? " (written as JSON, laid out by Parley)" : ""
                out += "\nDrafts have: \(shape)\(how)\n"
            }
            out += "\nInstruction (with example values where no --field is given):\n"
            out += TemplateFiller.preview(template, values: values, controls: controls) + "\n"
            if !template.examples.isEmpty { out += "\n(\(template.examples.count / 2) example exchange(s) are sent before it)\n" }
            return out
        }
    }
}

/// A template in `write list --json`.
struct TemplateJSON: Encodable {
    var name: String
    var kind: String
    var description: String
    var persona: String
    var tone: String
    var length: String
    var fields: [TemplateField]
    var source: String?

    init(_ template: WritingTemplate) {
        name = template.name
        kind = template.kind.rawValue
        description = template.description
        persona = template.personaName
        tone = template.defaultTone.rawValue
        length = template.defaultLength.rawValue
        fields = template.fields
        source = template.source
    }
}
