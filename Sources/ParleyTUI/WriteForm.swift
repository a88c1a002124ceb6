import ParleyCore
import ParleyWrite

/// The form `/write TEMPLATE` opens: one input per template field, then the four writing controls.
///
/// A pure value the reducer edits key by key; `submit()` turns it into the filled template (or
/// says which required fields are still empty, and nothing is sent).
public struct WriteForm: Sendable, Equatable {
    /// One input of the form.
    public struct Row: Sendable, Equatable {
        /// The template field's name, or the control's ("tone", "length", "audience", "language").
        public var name: String
        /// What the row asks (the field's prompt).
        public var prompt: String
        public var required: Bool
        /// The allowed values of a control that has a fixed set (tone, length); empty for free text.
        public var choices: [String]
        /// True for the controls, false for the template's own fields.
        public var isControl: Bool
        public var editor: InputEditor

        public init(name: String, prompt: String, required: Bool = false, choices: [String] = [], isControl: Bool = false, value: String = "") {
            self.name = name
            self.prompt = prompt
            self.required = required
            self.choices = choices
            self.isControl = isControl
            self.editor = InputEditor(value)
        }

        public var value: String { editor.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    public var template: WritingTemplate
    public var rows: [Row]
    /// The row being edited.
    public var focus = 0
    /// Names of required rows found empty by the last submit (marked in the form).
    public var missing: [String] = []
    /// Why the last submit was refused, one line; nil before a submit or after an edit fixed it.
    public var problem: String?

    /// A form for `template`: its fields with their defaults filled in, then tone and length set
    /// to the template's defaults, then audience and language left empty.
    public init(template: WritingTemplate) {
        self.template = template
        rows = template.fields.map { field in
            Row(name: field.name, prompt: field.prompt, required: field.required, value: field.defaultValue ?? "")
        }
        rows.append(Row(name: "tone", prompt: "Tone", choices: Tone.allCases.map(\.rawValue), isControl: true, value: template.defaultTone.rawValue))
        rows.append(Row(name: "length", prompt: "Length", choices: Length.allCases.map(\.rawValue), isControl: true, value: template.defaultLength.rawValue))
        rows.append(Row(name: "audience", prompt: "Audience", isControl: true))
        rows.append(Row(name: "language", prompt: "Language", isControl: true))
    }

    public var isOnLastRow: Bool { focus == rows.count - 1 }

    /// Moves the focus by `offset` rows, wrapping around.
    public mutating func move(by offset: Int) {
        guard !rows.isEmpty else { return }
        focus = ((focus + offset) % rows.count + rows.count) % rows.count
    }

    /// On a row with choices, the next (or previous) allowed value; returns false on free-text rows.
    @discardableResult
    public mutating func cycleChoice(forward: Bool) -> Bool {
        let choices = rows[focus].choices
        guard !choices.isEmpty else { return false }
        let current = choices.firstIndex(of: rows[focus].value.lowercased())
        let next: Int
        if let current {
            next = ((current + (forward ? 1 : -1)) % choices.count + choices.count) % choices.count
        } else {
            next = 0
        }
        rows[focus].editor.set(choices[next])
        return true
    }

    /// Edits the focused row's text.
    public mutating func edit(_ change: (inout InputEditor) -> Void) {
        change(&rows[focus].editor)
        if missing.contains(rows[focus].name), !rows[focus].value.isEmpty {
            missing.removeAll { $0 == rows[focus].name }
            if missing.isEmpty { problem = nil }
        }
    }

    /// The field values typed (empty ones left out, so optional fields fall back to their default).
    public var fieldValues: [String: String] {
        var values: [String: String] = [:]
        for row in rows where !row.isControl && !row.value.isEmpty { values[row.name] = row.value }
        return values
    }

    /// Fills the template. On a refusal `missing` and `problem` say what to fix and the focus goes
    /// to the first row to fix.
    public mutating func submit() -> FilledTemplate? {
        do {
            let controls = try self.controls()
            let filled = try TemplateFiller.fill(template, values: fieldValues, controls: controls)
            missing = []
            problem = nil
            return filled
        } catch let error as TemplateFillError {
            if case .missingFields(_, let fields) = error {
                missing = fields.map(\.field)
                let names = fields.map { "\u{201C}\($0.prompt)\u{201D}" }.joined(separator: ", ")
                problem = (fields.count == 1 ? "required: " : "required fields: ") + names + "; fill in and press Ctrl-S"
                if let first = rows.firstIndex(where: { missing.contains($0.name) }) { focus = first }
            } else {
                problem = error.description
            }
            return nil
        } catch let error as WritingControls.InvalidControl {
            problem = error.description
            if let row = rows.firstIndex(where: { $0.name == error.control }) { focus = row }
            return nil
        } catch {
            problem = oneLineDescription(of: error)
            return nil
        }
    }

    /// The controls as typed: tone and length must be one of their values; empty ones are unset.
    func controls() throws -> WritingControls {
        func text(_ name: String) -> String? {
            let value = rows.first { $0.name == name }?.value ?? ""
            return value.isEmpty ? nil : value
        }
        return WritingControls(
            tone: try text("tone").map(WritingControls.tone(parsing:)),
            length: try text("length").map(WritingControls.length(parsing:)),
            audience: text("audience"), language: text("language"))
    }
}
