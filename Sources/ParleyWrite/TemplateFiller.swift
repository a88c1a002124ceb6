import ParleyCore

/// A template with every blank filled: the instruction to send and what it was made from.
public struct FilledTemplate: Sendable, Equatable {
    public var template: String
    /// The instruction, ready to send as the user's message.
    public var instruction: String
    /// Every field's value as used (given, or the default).
    public var values: [String: String]
    /// The controls as used: tone and length are always set (the template's defaults where the
    /// user chose none).
    public var controls: WritingControls
}

/// Fills templates. Pure: the same template, values and controls always give the same instruction.
public enum TemplateFiller {
    /// Fills `template` with `values` (field name to text) and `controls`.
    ///
    /// A line of the instruction whose field placeholders are all optional fields left empty is
    /// dropped, so "Sign it as {{sender}}." disappears when there is no sender.
    ///
    /// A field the template does not declare, or a required field that is missing or blank, is an
    /// error naming every such field (so a user fixes them all at once). Optional fields fall back
    /// to their default. Controls named in the instruction (`{{tone}}`) are filled in place; the
    /// others are added as short lines after it — but only when they say something.
    public static func fill(
        _ template: WritingTemplate, values: [String: String], controls: WritingControls = WritingControls()
    ) throws -> FilledTemplate {
        let unknown = values.keys.filter { template.field(named: $0) == nil }.sorted()
        if !unknown.isEmpty {
            throw TemplateFillError.unknownFields(template: template.name, fields: unknown, known: template.fields.map(\.name))
        }
        let missing = template.fields.filter { field in
            field.required && (values[field.name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty
        }
        if !missing.isEmpty {
            throw TemplateFillError.missingFields(template: template.name, fields: missing.map { TemplateFillError.Missing($0.name, $0.prompt) })
        }
        var resolved: [String: String] = [:]
        for field in template.fields {
            resolved[field.name] = (values[field.name] ?? field.defaultValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let controlValues = controlText(template, controls)
        var kept: [String] = []
        for line in template.instruction.components(separatedBy: "\n") {
            let text = PlaceholderText(line)
            let fieldNames = text.names.filter { resolved[$0] != nil }
            // A line that only frames optional fields left empty ("Sign it as {{sender}}.") goes.
            if !fieldNames.isEmpty && fieldNames.allSatisfy({ resolved[$0]!.isEmpty }) { continue }
            kept.append(text.rendered { name in resolved[name] ?? controlValues[name]?.inline ?? "" })
        }
        var instruction = kept.joined(separator: "\n")
        let used = Set(PlaceholderText(template.instruction).names)
        let lines = WritingTemplate.controlPlaceholders.compactMap { name in
            used.contains(name) ? nil : controlValues[name]?.sentence
        }
        if !lines.isEmpty { instruction += "\n\n" + lines.joined(separator: "\n") }
        var chosen = controls
        chosen.tone = controls.tone ?? template.defaultTone
        chosen.length = controls.length ?? template.defaultLength
        return FilledTemplate(template: template.name, instruction: instruction, values: resolved, controls: chosen)
    }

    /// The instruction with the given values, each missing field's example (or default), and
    /// `{{name}}` left where there is neither: what `--show` and a form's preview display.
    public static func preview(_ template: WritingTemplate, values: [String: String] = [:], controls: WritingControls = WritingControls()) -> String {
        var sample: [String: String] = [:]
        for field in template.fields {
            sample[field.name] = values[field.name] ?? field.example ?? field.defaultValue ?? "{{\(field.name)}}"
        }
        return (try? fill(template, values: sample, controls: controls).instruction) ?? template.instruction
    }

    /// Each control as a word for use inside the instruction and as a sentence of its own. Tone and
    /// length always say something; a neutral tone needs no sentence.
    private static func controlText(_ template: WritingTemplate, _ controls: WritingControls) -> [String: (inline: String, sentence: String?)] {
        let tone = controls.tone ?? template.defaultTone
        let length = controls.length ?? template.defaultLength
        var result: [String: (inline: String, sentence: String?)] = [:]
        result["tone"] = (tone.rawValue, tone == .neutral ? nil : "Use a \(tone.rawValue) tone.")
        result["length"] = (length.rawValue, lengthSentence(length, kind: template.kind))
        if let audience = controls.audience?.trimmingCharacters(in: .whitespacesAndNewlines), !audience.isEmpty {
            result["audience"] = (audience, "Write for this audience: \(audience).")
        } else {
            result["audience"] = ("a general audience", nil)
        }
        if let language = controls.language?.trimmingCharacters(in: .whitespacesAndNewlines), !language.isEmpty {
            result["language"] = (language, "Write it in \(language).")
        } else {
            result["language"] = ("the language of this request", nil)
        }
        return result
    }

    /// Concrete sizes: small models follow "under 100 words" far better than "short".
    private static func lengthSentence(_ length: Length, kind: TemplateKind) -> String? {
        switch (kind, length) {
        case (.code, .short): return "Keep it brief."
        case (.code, .medium): return nil
        case (.code, .long): return "Be thorough."
        case (_, .short): return "Keep it short: under 100 words."
        case (_, .medium): return "Keep it to about 200 words."
        case (_, .long): return "Make it detailed: about 500 words."
        }
    }
}

/// Why a template could not be filled; each names the template and the fields.
public enum TemplateFillError: UserFacingError, Equatable {
    public struct Missing: Sendable, Equatable {
        public var field: String
        public var prompt: String
        public init(_ field: String, _ prompt: String) {
            self.field = field
            self.prompt = prompt
        }
    }

    case missingFields(template: String, fields: [Missing])
    case unknownFields(template: String, fields: [String], known: [String])

    public var description: String {
        switch self {
        case .missingFields(let template, let fields):
            let list = fields.map { "'\($0.field)' (\($0.prompt))" }.joined(separator: ", ")
            let s = fields.count == 1 ? "" : "s"
            return "template '\(template)' needs the field\(s) \(list); give each a value (in the shell: --field NAME=VALUE)"
        case .unknownFields(let template, let fields, let known):
            let list = fields.map { "'\($0)'" }.joined(separator: ", ")
            let s = fields.count == 1 ? " is not a field" : " are not fields"
            let choices = known.isEmpty ? "it has no fields" : "its fields: \(known.joined(separator: ", "))"
            return "\(list)\(s) of template '\(template)'; \(choices)"
        }
    }
}
