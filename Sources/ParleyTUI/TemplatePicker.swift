import Foundation
import ParleyWrite

/// Choosing a writing template (`/mode write`, or `/write` without a name): the templates by kind,
/// narrowed as the user types; Enter opens the chosen one's form.
public struct TemplatePicker: Sendable, Equatable {
    /// Documents, then copy, then code, each by name.
    public let templates: [WritingTemplate]
    public var filter = InputEditor()
    /// Index into `visible`.
    public var selected = 0

    public init(templates: [WritingTemplate]) {
        let order = Dictionary(uniqueKeysWithValues: TemplateKind.allCases.enumerated().map { ($1, $0) })
        self.templates = templates.sorted { (order[$0.kind] ?? 0, $0.name) < (order[$1.kind] ?? 0, $1.name) }
    }

    /// The templates whose name or description contains the filter, or whose kind starts with it
    /// (any case).
    public var visible: [WritingTemplate] {
        let needle = filter.text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return templates }
        return templates.filter {
            $0.name.range(of: needle, options: .caseInsensitive) != nil || $0.kind.rawValue.hasPrefix(needle.lowercased())
                || $0.description.range(of: needle, options: .caseInsensitive) != nil
        }
    }

    public var chosen: WritingTemplate? {
        let shown = visible
        return shown.indices.contains(selected) ? shown[selected] : nil
    }

    public mutating func move(by offset: Int) {
        let count = visible.count
        guard count > 0 else { return }
        selected = min(count - 1, max(0, selected + offset))
    }

    public mutating func editFilter(_ change: (inout InputEditor) -> Void) {
        change(&filter)
        selected = 0
    }
}
