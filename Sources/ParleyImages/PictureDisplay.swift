/// How a picture is shown on a terminal.
public enum PictureDisplay: String, Sendable, CaseIterable {
    /// "▀" cells in true colour (or the nearest of 256 colours): works on any colour terminal.
    case halfblock
    /// The kitty graphics protocol (kitty, Ghostty).
    case kitty
    /// iTerm2 inline images (iTerm2, WezTerm, mintty).
    case iterm
    /// Sixel (foot, mlterm, xterm -ti vt340, and terminals whose device attributes list it).
    case sixel
    /// Not shown at all.
    case off

    /// The modes a setting may name, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: "|")
}
