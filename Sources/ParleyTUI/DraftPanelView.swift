import ParleyWrite

/// The draft panel's lines: which version is shown, then its text (or a version streaming in), or
/// the line diff from another version to it.
enum DraftPanelView {
    static func lines(_ panel: DraftPanel, width: Int) -> [StyledLine] {
        let draft = panel.draft
        var out: [StyledLine] = []
        func text(_ string: String, _ style: CellStyle = .plain) {
            out += TextWrapper.wrap([StyledRun(string, style)], width: width)
        }
        if let streaming = panel.streaming {
            text("\(draft.title) · version \(draft.versionCount + 1) (writing…)", CellStyle(.heading, bold: true))
            out.append(StyledLine())
            for line in streaming.split(separator: "\n", omittingEmptySubsequences: false) { text(String(line)) }
            return out
        }
        text("\(draft.title) · version \(draft.currentNumber) of \(draft.versionCount)", CellStyle(.heading, bold: true))
        out.append(StyledLine())
        for line in draft.current.text.split(separator: "\n", omittingEmptySubsequences: false) { text(String(line)) }
        return out
    }
}
