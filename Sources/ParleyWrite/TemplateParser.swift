import Foundation
import ParleyCore
import ParleyPersonas

/// Reads one template file: YAML front matter, then the instruction and optional examples — the
/// same layout as a persona file (read by the same `MarkdownFrontMatter`).
///
/// ```markdown
/// ---
/// name: email
/// kind: document            # document, copy or code
/// description: An email, ready to send
/// persona: writer           # optional; the kind's default otherwise
/// tone: friendly            # optional default tone
/// length: short             # optional default length
/// fields:
///   - name: to
///     prompt: Who is it to?
///     required: true
///     example: Sam, my landlord
///   - name: sender
///     prompt: Your name
///     default: ""
///     mention: all          # optional: the draft must carry the value (all, any, none)
///     multiline: true       # optional: piped standard input may fill it
/// structure:                # optional: the shape drafts must have (see TemplateStructure)
///   subject: "{{topic}}"
/// ---
/// Write an email to {{to}} about {{topic}}. ...
///
/// ## Example
/// ### User
/// ...
/// ### Assistant
/// ...
/// ```
/// Every placeholder must be a declared field or a control (tone, length, audience, language), and
/// every declared field must appear in the instruction.
public struct TemplateParser {
    public var file: String

    public init(file: String) {
        self.file = file
    }

    public func parse(_ text: String) throws -> WritingTemplate {
        let document: MarkdownFrontMatter
        do {
            document = try MarkdownFrontMatter(parsing: text)
        } catch {
            throw TemplateFileError(file: file, problem: error.text)
        }
        let fields = document.fields
        let known: Set = ["name", "kind", "description", "persona", "fields", "tone", "length", "structure"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw problem("unknown front matter key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let name = fields["name"] as? String, !name.isEmpty else { throw problem("the front matter has no 'name'") }
        guard name.allSatisfy(PlaceholderText.isNameCharacter) else {
            throw problem("name '\(name)' may use only letters, digits, '-' and '_'")
        }
        guard let kindText = fields["kind"] as? String, let kind = TemplateKind(rawValue: kindText) else {
            throw problem("kind must be document, copy or code")
        }
        let templateFields = try readFields(fields["fields"])
        let tone = try fields["tone"].map { value -> Tone in
            guard let text = value as? String, let tone = Tone(rawValue: text) else {
                throw problem("tone must be one of \(Tone.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return tone
        }
        let length = try fields["length"].map { value -> Length in
            guard let text = value as? String, let length = Length(rawValue: text) else {
                throw problem("length must be one of \(Length.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return length
        }
        let persona = try fields["persona"].map { value -> String in
            guard let text = value as? String, !text.isEmpty else { throw problem("persona must be a persona's name") }
            return text
        }
        let instruction = document.prompt
        guard !instruction.isEmpty else { throw problem("the instruction (the text after the front matter) is empty") }
        let used = PlaceholderText(instruction).names
        let declared = templateFields.map(\.name)
        if let unknown = used.first(where: { !declared.contains($0) && !WritingTemplate.controlPlaceholders.contains($0) }) {
            let choices = (declared + WritingTemplate.controlPlaceholders).joined(separator: ", ")
            throw problem("the instruction uses {{\(unknown)}}, which is not a field (declare it under 'fields'; known: \(choices))")
        }
        if let unused = declared.first(where: { !used.contains($0) }) {
            throw problem("field '\(unused)' is declared but the instruction never uses {{\(unused)}}")
        }
        let structure = try readStructure(fields["structure"], declared: declared, examples: document.examples)
        return WritingTemplate(
            name: name, kind: kind, description: (fields["description"] as? String) ?? "", fields: templateFields,
            persona: persona, defaultTone: tone ?? .neutral, defaultLength: length ?? .medium,
            instruction: instruction, examples: document.examples, structure: structure, source: file)
    }

    /// The `structure:` rules; their placeholders must be fields, and with `output: json` every
    /// example answer must be a JSON object (it shows the model the JSON it is to write).
    private func readStructure(_ value: Any?, declared: [String], examples: [ChatMessage]) throws -> TemplateStructure {
        let structure: TemplateStructure
        do {
            structure = try TemplateStructureReader().read(value)
        } catch {
            throw problem(error.text)
        }
        if let unknown = structure.placeholders.first(where: { !declared.contains($0) }) {
            throw problem("structure uses {{\(unknown)}}, which is not a field")
        }
        if let field = structure.shorterThan, !declared.contains(field) {
            throw problem("structure: shorter-than names '\(field)', which is not a field")
        }
        if structure.output == .json {
            for example in examples where example.role == .assistant {
                guard example.content.hasPrefix("{"), LenientJSON.object(in: example.content) != nil else {
                    throw problem("structure: output is json, so each example answer must be a JSON object")
                }
            }
        }
        return structure
    }

    private func readFields(_ value: Any?) throws -> [TemplateField] {
        guard let value else { return [] }
        guard let list = value as? [Any] else { throw problem("'fields' must be a list of fields, each with a 'name'") }
        var result: [TemplateField] = []
        for (index, item) in list.enumerated() {
            guard let entry = item as? [String: Any] else {
                throw problem("field \(index + 1) must be a mapping with 'name' and 'prompt'")
            }
            guard let name = entry["name"] as? String, !name.isEmpty, name.allSatisfy(PlaceholderText.isNameCharacter) else {
                throw problem("field \(index + 1) needs a 'name' of letters, digits, '-' or '_'")
            }
            if WritingTemplate.controlPlaceholders.contains(name) {
                throw problem("field '\(name)' has the name of a control every template has; rename it")
            }
            let known: Set = ["name", "prompt", "required", "default", "example", "mention", "multiline"]
            if let unknown = entry.keys.sorted().first(where: { !known.contains($0) }) {
                throw problem("field '\(name)': unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
            }
            guard let prompt = entry["prompt"] as? String, !prompt.isEmpty else {
                throw problem("field '\(name)' needs a 'prompt' (the question a form asks)")
            }
            var required = false
            if let flag = entry["required"] {
                guard let bool = flag as? Bool else { throw problem("field '\(name)': required must be true or false") }
                required = bool
            }
            let defaultValue = try scalarText(entry["default"], what: "field '\(name)': default")
            if required && defaultValue != nil {
                throw problem("field '\(name)' is required and has a default; keep one of them")
            }
            if result.contains(where: { $0.name == name }) { throw problem("field '\(name)' is declared twice") }
            var mention = TemplateField.Mention.none
            if let value = entry["mention"] {
                guard let text = value as? String, let parsed = TemplateField.Mention(rawValue: text) else {
                    throw problem("field '\(name)': mention must be all, any or none")
                }
                mention = parsed
            }
            var multiline = false
            if let flag = entry["multiline"] {
                guard let bool = flag as? Bool else { throw problem("field '\(name)': multiline must be true or false") }
                multiline = bool
            }
            result.append(TemplateField(
                name: name, prompt: prompt, required: required, defaultValue: defaultValue,
                example: try scalarText(entry["example"], what: "field '\(name)': example"), mention: mention,
                multiline: multiline))
        }
        return result
    }

    /// YAML reads `default: 3` as a number; a template field's value is always text.
    private func scalarText(_ value: Any?, what: String) throws -> String? {
        guard let value else { return nil }
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let flag as Bool: return flag ? "true" : "false"
        default: throw problem("\(what) must be text")
        }
    }

    private func problem(_ text: String) -> TemplateFileError { TemplateFileError(file: file, problem: text) }
}

/// A template file that could not be read: names the file and the problem.
public struct TemplateFileError: UserFacingError, Equatable {
    public var file: String
    public var problem: String

    public var description: String { "template file \(file): \(problem)" }
}
