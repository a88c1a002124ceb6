import ParleyTUI

/// How styles become colours. `none` draws with attributes only (NO_COLOR, monochrome terminals).
public enum TerminalTheme: String, Sendable, CaseIterable {
    case dark, light, none

    /// Foreground and background for a role; -1 is the terminal's own default, so the user's
    /// background always shows through and text stays legible on it.
    func colors(for role: StyleRole, colorCount: Int) -> (foreground: Int16, background: Int16) {
        let bright: Int16 = colorCount >= 16 ? 8 : 0
        switch self {
        case .none:
            return (-1, -1)
        case .dark:
            switch role {
            case .text, .quote, .overlay: return (-1, -1)
            case .userLabel: return (6 + bright, -1)
            case .assistantLabel: return (2 + bright, -1)
            case .systemLabel: return (5 + bright, -1)
            case .code: return (3 + bright, -1)
            case .codeFrame, .border: return (4 + bright, -1)
            case .heading: return (5 + bright, -1)
            case .link: return (4 + bright, -1)
            case .dim: return (colorCount >= 16 ? 8 : -1, -1)
            case .statusBar: return (7, 4)
            case .statusAccent: return (0, 6)
            case .error: return (1 + bright, -1)
            case .notice: return (3 + bright, -1)
            case .selection: return (0, 6)
            case .overlayTitle: return (6 + bright, -1)
            case .inputPrompt: return (6 + bright, -1)
            case .diffAdded: return (2 + bright, -1)
            case .diffRemoved: return (1 + bright, -1)
            }
        case .light:
            switch role {
            case .text, .quote, .overlay: return (-1, -1)
            case .userLabel: return (4, -1)
            case .assistantLabel: return (2, -1)
            case .systemLabel: return (5, -1)
            case .code: return (1, -1)
            case .codeFrame, .border: return (4, -1)
            case .heading: return (5, -1)
            case .link: return (4, -1)
            case .dim: return (colorCount >= 16 ? 8 : -1, -1)
            case .statusBar: return (0, 7)
            case .statusAccent: return (7, 4)
            case .error: return (1, -1)
            case .notice: return (3, -1)
            case .selection: return (7, 4)
            case .overlayTitle: return (4, -1)
            case .inputPrompt: return (4, -1)
            case .diffAdded: return (2, -1)
            case .diffRemoved: return (1, -1)
            }
        }
    }

    /// True when a role has its own background, so `reverse` (meant for monochrome) is dropped.
    func hasBackground(_ role: StyleRole, colorCount: Int) -> Bool {
        colors(for: role, colorCount: colorCount).background >= 0
    }
}
