import ArgumentParser
import Foundation
import ParleyCore
import ParleyWrite

/// What fills a template: `--field NAME=VALUE` and the writing controls. Shared by `write new`
/// (which writes with them) and `write show` (which previews the instruction they make).
struct TemplateValueOptions: ParsableArguments {
    @Option(name: .customLong("field"), help: ArgumentHelp(
        "A template field, NAME=VALUE (repeatable). NAME=- reads the value from standard input (so does piped input, for the one multi-line field left empty).",
        valueName: "name=value"))
    var fields: [String] = []
    @Option(help: ArgumentHelp("Tone: neutral, formal, friendly, persuasive or playful.", valueName: "tone")) var tone: String?
    @Option(help: ArgumentHelp("Length: short, medium or long.", valueName: "length")) var length: String?
    @Option(help: ArgumentHelp("Who will read it.", valueName: "text")) var audience: String?
    @Option(help: ArgumentHelp("The language to write in.", valueName: "name")) var language: String?

    func validate() throws {
        if let tone { _ = try WritingControls.tone(parsing: tone) }
        if let length { _ = try WritingControls.length(parsing: length) }
    }

    var controls: WritingControls {
        get throws {
            WritingControls(
                tone: try tone.map(WritingControls.tone(parsing:)), length: try length.map(WritingControls.length(parsing:)),
                audience: audience, language: language)
        }
    }

    /// The values for `template`: the `--field` pairs, and without a `NAME=-`, piped standard
    /// input for the template's only multi-line field left empty (`git diff | parley write
    /// commit-message`), as `ask` appends piped input to the prompt.
    func values(for template: WritingTemplate, inputLimit: Int) throws -> [String: String] {
        var values = try givenValues(inputLimit: inputLimit)
        let readsStdin = fields.contains { $0.hasSuffix("=-") }
        let open = template.fields.filter { field in
            field.multiline && (values[field.name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty
        }
        if !readsStdin, !Console.stdinIsTerminal, open.count == 1 {
            let input = try Console.readStandardInput(limit: inputLimit)
            if !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { values[open[0].name] = input }
        }
        return values
    }

    /// `--field NAME=VALUE` pairs as given; `NAME=-` reads standard input.
    func givenValues(inputLimit: Int) throws -> [String: String] {
        var values: [String: String] = [:]
        var readStdin = false
        for pair in fields {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--field '\(pair)': write it as NAME=VALUE")
            }
            let name = String(pair[..<equals])
            var value = String(pair[pair.index(after: equals)...])
            guard values[name] == nil else { throw ValidationError("--field \(name) is given twice") }
            if value == "-" {
                guard !readStdin else { throw ValidationError("only one --field can read standard input (NAME=-)") }
                readStdin = true
                if Console.stdinIsTerminal { Console.status("reading --field \(name) from standard input; end it with Ctrl-D") }
                value = try Console.readStandardInput(limit: inputLimit)
                guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw ValidationError("--field \(name)=-: standard input was empty")
                }
            }
            values[name] = value
        }
        return values
    }
}
