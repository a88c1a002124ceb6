/// Where each part of the chat screen goes at the current size: header, transcript, the notice
/// line, the input (growing up to a third of the screen) and the status line.
public struct ScreenGeometry: Sendable, Equatable {
    /// Below this the screen shows only a "terminal too small" notice.
    public static let minimumWidth = 24
    public static let minimumHeight = 7

    public var tooSmall: Bool
    public var transcriptTop = 1
    public var transcriptHeight = 0
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
    }

    /// Rows that PgUp and PgDn move.
    public var page: Int { max(1, transcriptHeight - 2) }
}
