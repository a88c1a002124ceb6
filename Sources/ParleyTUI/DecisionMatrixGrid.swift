import ParleyDecide

/// The scores as a grid: one row per option, one column per criterion (its name over its weight),
/// and the program's weighted total last — the matrix as a spreadsheet shows it.
///
/// Only drawn when every column fits the panel's width with a readable name; otherwise the panel
/// falls back to listing scores by criterion. Pure: lines for a record and a width.
enum DecisionMatrixGrid {
    /// Widest a criterion column or the option column may get; longer names are cut with "…".
    static let maximumCriterionWidth = 12
    static let maximumOptionWidth = 18
    static let minimumCriterionWidth = 5
    static let totalWidth = 6

    /// The grid's lines, or nil when it does not fit `width` columns.
    static func lines(_ record: DecisionRecord, analysis: DecisionAnalysis, width: Int) -> [StyledLine]? {
        guard !record.options.isEmpty, !record.criteria.isEmpty else { return nil }
        let criterionWidths = record.criteria.map { criterion in
            min(maximumCriterionWidth, max(minimumCriterionWidth, DisplayWidth.of(criterion.name)))
        }
        let longestOption = record.options.map { DisplayWidth.of($0.name) }.max() ?? 0
        let optionWidth = min(maximumOptionWidth, max(6, longestOption))
        let needed = optionWidth + criterionWidths.reduce(0) { $0 + $1 + 1 } + 1 + totalWidth
        guard needed <= width else { return nil }

        let totals = Dictionary(analysis.totals.map { ($0.option, $0) }, uniquingKeysWith: { a, _ in a })
        let header = CellStyle(.heading, bold: true)
        var names = [StyledRun(pad("", optionWidth), header)]
        var weights = [StyledRun(pad("weight", optionWidth), CellStyle(.dim))]
        for (criterion, columnWidth) in zip(record.criteria, criterionWidths) {
            names.append(StyledRun(" " + padLeft(cut(criterion.name, columnWidth), columnWidth), header))
            weights.append(StyledRun(" " + padLeft("×\(criterion.weight)", columnWidth), CellStyle(.dim)))
        }
        names.append(StyledRun(" " + padLeft("total", totalWidth), header))
        var out = [StyledLine(names), StyledLine(weights)]
        for option in record.options {
            let leads = option.name == analysis.winner
            var runs = [StyledRun(pad(cut(option.name, optionWidth), optionWidth), leads ? CellStyle(.assistantLabel, bold: true) : CellStyle(.text, bold: true))]
            for (criterion, columnWidth) in zip(record.criteria, criterionWidths) {
                let score = record.score(option: option.name, criterion: criterion.name)
                runs.append(StyledRun(" " + padLeft(score.map { "\($0.value)" } ?? "?", columnWidth), score == nil ? CellStyle(.dim) : .plain))
            }
            let total = totals[option.name]
            let partial = total?.total != nil && !(total?.missingCriteria.isEmpty ?? true)
            let shown = DecisionReport.format(total?.total) + (partial ? "*" : "")
            runs.append(StyledRun(" " + padLeft(shown, totalWidth), leads ? CellStyle(.assistantLabel, bold: true) : .plain))
            out.append(StyledLine(runs))
        }
        if analysis.totals.contains(where: { $0.total != nil && !$0.missingCriteria.isEmpty }) {
            out.append(StyledLine("* over the criteria scored so far", CellStyle(.dim)))
        }
        return out
    }

    /// `text` cut to `width` columns, ending in "…" when something was cut.
    static func cut(_ text: String, _ width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        return DisplayWidth.prefix(text, fitting: width - 1).text + "…"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - DisplayWidth.of(text))) + text
    }
}
