import ParleyCore

/// What a cell is, semantically; the terminal adapter maps a role to colours through its theme, so
/// views never name colours and a monochrome terminal still gets the attributes.
public enum StyleRole: String, Sendable, Hashable, CaseIterable {
    case text, userLabel, assistantLabel, systemLabel, code, codeFrame, heading, link, quote, dim
    case statusBar, statusAccent, error, notice, selection, overlay, overlayTitle, border, inputPrompt
    /// Lines a draft diff adds and removes.
    case diffAdded, diffRemoved
}

/// The look of one cell: a role plus text attributes, and for a picture's cells their own colours.
public struct CellStyle: Sendable, Hashable {
    public var role: StyleRole
    public var bold: Bool
    public var italic: Bool
    public var underline: Bool
    public var reverse: Bool
    /// Colours that override the role's where the terminal can show them (pictures only: views
    /// of text keep naming roles, so themes and monochrome terminals still work for them).
    public var foreground: RGB?
    public var background: RGB?

    public init(
        _ role: StyleRole = .text, bold: Bool = false, italic: Bool = false, underline: Bool = false, reverse: Bool = false,
        foreground: RGB? = nil, background: RGB? = nil
    ) {
        self.role = role
        self.bold = bold
        self.italic = italic
        self.underline = underline
        self.reverse = reverse
        self.foreground = foreground
        self.background = background
    }

    public static let plain = CellStyle()
}

/// A piece of text in one style.
public struct StyledRun: Sendable, Equatable {
    public var text: String
    public var style: CellStyle

    public init(_ text: String, _ style: CellStyle = .plain) {
        self.text = text
        self.style = style
    }
}

/// One screen line of laid-out text.
public struct StyledLine: Sendable, Equatable {
    public var runs: [StyledRun]
    /// Set on the lines of a stored picture's cells: which picture, and which of its rows.
    public var picture: PictureMark?

    public init(_ runs: [StyledRun] = []) { self.runs = runs }

    public init(_ text: String, _ style: CellStyle = .plain) { self.runs = [StyledRun(text, style)] }

    public var width: Int { runs.reduce(0) { $0 + DisplayWidth.of($1.text) } }
    public var plainText: String { runs.map(\.text).joined() }
}

/// Marks a line as row `row` of a picture whose cells take `area`, measured from the picture's
/// first line (`area.y` 0, `area.x` columns into the line): where a graphics protocol can lay the
/// picture over them.
public struct PictureMark: Sendable, Equatable {
    public var area: PicturePlacement
    public var row: Int

    public init(area: PicturePlacement, row: Int) {
        self.area = area
        self.row = row
    }
}
