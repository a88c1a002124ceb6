import ParleyWrite

/// The draft panel's lines: which version is shown, then its text (or a version streaming in), or
/// the line diff between two versions with added lines marked `+` and removed ones `-`.
///
/// It stops once it has `limit` lines: a frame only needs the rows on screen, so a long draft
/// streaming in costs what the screen shows, not its whole length, on every frame.
enum DraftPanelView {
    static func lines(_ panel: DraftPanel, width: Int, upTo limit: Int = .max) -> [StyledLine] {
        var out: [StyledLine] = []
        func text(_ string: String, _ style: CellStyle = .plain) {
            out += TextWrapper.wrap([StyledRun(string, style)], width: width)
        }
        let heading = CellStyle(.heading, bold: true)
        if let streaming = panel.streaming {
            let number = (panel.draft?.versionCount ?? 0) + 1
            text("\(panel.draft?.title ?? panel.pendingTitle) · version \(number) (writing…)", heading)
            out.append(StyledLine())
            for line in streaming.split(separator: "\n", omittingEmptySubsequences: false) where out.count < limit { text(String(line)) }
            return out
        }
        guard let draft = panel.draft else { return out }
        if let from = panel.diffFrom, let to = panel.diffTo, let diff = try? draft.diff(from: from, to: to) {
            text("\(draft.title) · changes from version \(from) to \(to) (+\(diff.added) −\(diff.removed))", heading)
            text("any key returns to the text", CellStyle(.dim))
            out.append(StyledLine())
            if !diff.hasChanges { text("the two versions are the same", CellStyle(.dim)) }
            for line in diff.lines where out.count < limit {
                switch line {
                case .same(let string):
                    out += TextWrapper.wrap([StyledRun(string)], width: width, prefix: [StyledRun("  ", CellStyle(.dim))])
                case .added(let string):
                    out += TextWrapper.wrap([StyledRun(string, CellStyle(.diffAdded))], width: width, prefix: [StyledRun("+ ", CellStyle(.diffAdded, bold: true))])
                case .removed(let string):
                    out += TextWrapper.wrap([StyledRun(string, CellStyle(.diffRemoved))], width: width, prefix: [StyledRun("- ", CellStyle(.diffRemoved, bold: true))])
                }
            }
            return out
        }
        text("\(draft.title) · version \(draft.currentNumber) of \(draft.versionCount)", heading)
        out.append(StyledLine())
        for line in draft.current.text.split(separator: "\n", omittingEmptySubsequences: false) where out.count < limit { text(String(line)) }
        return out
    }
}
