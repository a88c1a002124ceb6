/// Draws the side panel into its columns of the transcript rows: a rule on its left edge (when it
/// sits beside the transcript), a title row, then the panel's lines from its scroll position.
///
/// Each panel kind only produces lines for a width (`DecisionPanelView`, `DraftPanelView`), so the
/// framing, clipping and scrolling live here once.
enum SidePanelView {
    /// The panel's text columns: after the rule (beside the transcript) or the screen's edge.
    static func textColumns(_ geometry: ScreenGeometry) -> (left: Int, width: Int) {
        let left = geometry.panelLeft + (geometry.panelLeft > 0 ? 2 : 1)
        return (left, max(1, geometry.panelLeft + geometry.panelWidth - left - 1))
    }

    /// `wanted` limited to the last position that still fills the panel (laying out only that far).
    static func clampedScroll(_ panel: SidePanel, _ geometry: ScreenGeometry, wanted: Int) -> Int {
        guard geometry.showsPanel, wanted > 0 else { return max(0, wanted) }
        let bodyHeight = max(1, geometry.transcriptHeight - 1)
        let count = bodyLines(panel, width: textColumns(geometry).width, upTo: wanted + bodyHeight).count
        return max(0, min(wanted, count - bodyHeight))
    }

    static func draw(_ panel: SidePanel, _ geometry: ScreenGeometry, into buffer: inout CellBuffer) {
        guard geometry.showsPanel, geometry.transcriptHeight > 0 else { return }
        let beside = geometry.panelLeft > 0
        let (left, width) = textColumns(geometry)
        buffer.fill(x: geometry.panelLeft, y: geometry.transcriptTop, width: geometry.panelWidth, height: geometry.transcriptHeight, style: .plain)
        if beside {
            for row in geometry.transcriptTop..<(geometry.transcriptTop + geometry.transcriptHeight) {
                buffer.write("│", x: geometry.panelLeft, y: row, style: CellStyle(.border))
            }
        }
        let bodyHeight = geometry.transcriptHeight - 1
        // One line past the screen is enough to know there is more below.
        let lines = bodyLines(panel, width: width, upTo: scrollOffset(panel) + bodyHeight + 1)
        let scroll = max(0, min(scrollOffset(panel), lines.count - bodyHeight))
        let more = lines.count - scroll > bodyHeight ? " ↓" : ""
        let title = panel.title + (scroll > 0 ? " ↑" : "") + more + (beside ? "  F3: full screen" : "  F3: back to the chat")
        buffer.write(title, x: left, y: geometry.transcriptTop, style: CellStyle(.heading, bold: true), limit: left + width)
        for (i, line) in lines.dropFirst(scroll).prefix(bodyHeight).enumerated() {
            buffer.write(line, x: left, y: geometry.transcriptTop + 1 + i, limit: left + width)
        }
    }

    /// The panel's content lines at a width (before scrolling); a view may stop after `upTo` lines.
    static func bodyLines(_ panel: SidePanel, width: Int, upTo limit: Int = .max) -> [StyledLine] {
        switch panel {
        case .decision(let decision): return DecisionPanelView.lines(decision, width: width)
        case .draft(let draft): return DraftPanelView.lines(draft, width: width, upTo: limit)
        }
    }

    static func scrollOffset(_ panel: SidePanel) -> Int {
        switch panel {
        case .decision(let decision): return decision.scroll
        case .draft(let draft): return draft.scroll
        }
    }
}
