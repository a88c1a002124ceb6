/// What a template writes. It groups `parley write list` and picks the persona a template gets
/// when its file names none.
public enum TemplateKind: String, Codable, Sendable, CaseIterable {
    case document, copy, code

    /// The bundled persona suited to the kind.
    public var defaultPersona: String {
        switch self {
        case .document: return "writer"
        case .copy: return "copywriter"
        case .code: return "coder"
        }
    }

    /// The longest reply to ask for when the user sets no limit: room for the length asked, with
    /// a margin, while a small model that starts repeating itself is stopped instead of running on.
    public func replyTokenLimit(for length: Length) -> Int {
        switch (self, length) {
        case (.code, .short): return 400
        case (.code, .medium): return 800
        case (.code, .long): return 1600
        case (_, .short): return 300
        case (_, .medium): return 600
        case (_, .long): return 1200
        }
    }

    /// A heading for listings ("Documents").
    public var title: String {
        switch self {
        case .document: return "Documents"
        case .copy: return "Copy"
        case .code: return "Code"
        }
    }
}
