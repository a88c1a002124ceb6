/// Where each part of the chat screen goes at the current size: header, transcript (and the side
/// panel beside it in decide and write modes), the notice line, the input (growing up to a third
/// of the screen) and the status line.
public struct ScreenGeometry: Sendable, Equatable {
    /// Below this the screen shows only a "terminal too small" notice.
    public static let minimumWidth = 24
    public static let minimumHeight = 7
    /// Below this width the panel and the transcript do not share the screen: one of them shows.
    public static let sideBySideWidth = 90

    public var tooSmall: Bool
    public var transcriptTop = 1
    public var transcriptHeight = 0
    /// Columns of the transcript (the whole width unless a panel sits beside it; 0 when the panel
    /// has the screen).
    public var transcriptWidth = 0
    /// The side panel's columns (its left edge is the rule between it and the transcript); width
    /// 0 when there is no panel or the transcript has the screen.
    public var panelLeft = 0
    public var panelWidth = 0
    public var separatorRow = 0
    public var inputTop = 0
    public var inputHeight = 1
    public var statusRow = 0
    /// Columns for the input text (after the prompt).
    public var inputWidth = 1

    public init(_ state: ChatState) {
        tooSmall = state.width < ScreenGeometry.minimumWidth || state.height < ScreenGeometry.minimumHeight
        guard !tooSmall else { return }
        inputWidth = max(1, state.width - 2)
        let maxInput = max(1, state.height / 3)
        inputHeight = min(maxInput, state.input.visibleRows(width: inputWidth, maxRows: maxInput).rows.count)
        statusRow = state.height - 1
        inputTop = statusRow - inputHeight
        separatorRow = inputTop - 1
        transcriptHeight = max(0, separatorRow - transcriptTop)
        transcriptWidth = state.width
        guard state.panel != nil else { return }
        if state.panelFullScreen {
            transcriptWidth = 0
            panelWidth = state.width
        } else if state.width >= ScreenGeometry.sideBySideWidth {
            // The transcript keeps the larger share; the panel gets two fifths (a matrix or a
            // draft needs room) and the rule between them is the panel's first column.
            panelWidth = state.width * 2 / 5
            transcriptWidth = state.width - panelWidth
            panelLeft = transcriptWidth
        }
    }

    /// Whether the panel is on screen (beside the transcript or instead of it).
    public var showsPanel: Bool { panelWidth > 0 }

    /// Rows that PgUp and PgDn move.
    public var page: Int { max(1, transcriptHeight - 2) }
}
