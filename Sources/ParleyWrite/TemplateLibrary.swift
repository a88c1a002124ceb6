import Foundation
import ParleyCore
import ParleyPersonas

/// All templates available to a run: the bundled ones, then the user's, then `--personas DIR`'s
/// `templates/`, a later directory overriding an earlier template of the same name. A malformed
/// file is reported in `problems` and skipped; the rest still load.
public struct TemplateLibrary: Sendable {
    public private(set) var templates: [String: WritingTemplate]
    /// One line per file that could not be read.
    public private(set) var problems: [String]

    public init(directories: [URL]) {
        (templates, problems) = MarkdownDirectory.load(from: directories, name: \WritingTemplate.name) { path, text in
            try TemplateParser(file: path).parse(text)
        }
    }

    public init(templates: [WritingTemplate]) {
        self.templates = Dictionary(templates.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.problems = []
    }

    /// Where templates are looked for, in order: the `templates/` folder of the bundled personas,
    /// the user's `<config>/templates`, then the `templates/` folder of an extra persona directory
    /// (`--personas DIR`). The same order personas use, so a user's file overrides a bundled one.
    public static func directories(bundledPersonas: URL?, configDirectory: URL, extraPersonas: URL?) -> [URL] {
        var directories: [URL] = []
        if let bundledPersonas { directories.append(bundledPersonas.appendingPathComponent("templates", isDirectory: true)) }
        directories.append(configDirectory.appendingPathComponent("templates", isDirectory: true))
        if let extraPersonas { directories.append(extraPersonas.appendingPathComponent("templates", isDirectory: true)) }
        return directories
    }

    /// Templates sorted by name.
    public var all: [WritingTemplate] { templates.values.sorted { $0.name < $1.name } }

    /// Templates grouped by kind, in the order documents, copy, code; each group sorted by name.
    public var byKind: [(kind: TemplateKind, templates: [WritingTemplate])] {
        TemplateKind.allCases.compactMap { kind in
            let group = all.filter { $0.kind == kind }
            return group.isEmpty ? nil : (kind, group)
        }
    }

    public func template(named name: String) throws -> WritingTemplate {
        if let template = templates[name] { return template }
        throw UnknownTemplate(name: name, known: templates.keys.sorted())
    }

    public struct UnknownTemplate: UserFacingError, Equatable {
        public var name: String
        public var known: [String]
        public var description: String {
            known.isEmpty
                ? "unknown template '\(name)': no templates were found"
                : "unknown template '\(name)'; known templates: \(known.joined(separator: ", "))"
        }
    }
}
