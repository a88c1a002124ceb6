import ParleyDecide

/// The decision panel's lines: the question, the ranking with the program's weighted totals, the
/// matrix of scores (a grid when it fits, else listed by criterion with the weights beside the
/// names), pros and cons, and the sensitivity.
enum DecisionPanelView {
    static func lines(_ panel: DecisionPanel, width: Int) -> [StyledLine] {
        let record = panel.record
        let analysis = record.analysis
        var out: [StyledLine] = []
        func text(_ string: String, _ style: CellStyle = .plain, indent: Int = 0) {
            out += TextWrapper.wrap([StyledRun(string, style)], width: width, prefix: indent > 0 ? [StyledRun(String(repeating: " ", count: indent))] : [])
        }
        text(record.question.isEmpty ? "No question yet: type it and press Enter." : record.question, CellStyle(.text, bold: true))
        if let progress = panel.progress { text("… " + progress, CellStyle(.notice)) }
        out.append(StyledLine())
        if record.options.isEmpty {
            text("No options yet.", CellStyle(.dim))
        } else if analysis.ranking.isEmpty {
            // Nothing scored yet: a ranking of dashes says less than the plain list.
            text("Options (totals follow the scores)", CellStyle(.heading, bold: true))
            for option in record.options { text("• " + option.name, indent: 1) }
        } else {
            text("Ranking (weighted totals, out of 10)", CellStyle(.heading, bold: true))
            let ranked = Dictionary(analysis.ranking.map { ($0.option, $0) }, uniquingKeysWith: { a, _ in a })
            for total in analysis.totals.sorted(by: { (ranked[$0.option]?.rank ?? .max) < (ranked[$1.option]?.rank ?? .max) }) {
                let rank = ranked[total.option].map { "\($0.rank)." } ?? "–"
                let missing = total.missingCriteria.isEmpty ? "" : " (\(total.missingCriteria.count) unscored)"
                text("\(rank) \(total.option)  \(DecisionReport.format(total.total))\(missing)", total.option == analysis.winner ? CellStyle(.assistantLabel, bold: true) : .plain, indent: 1)
            }
        }
        if let grid = DecisionMatrixGrid.lines(record, analysis: analysis, width: width) {
            out.append(StyledLine())
            text("Matrix (scores 0-10, weights 1-5)", CellStyle(.heading, bold: true))
            out += grid
        } else if !record.criteria.isEmpty {
            out.append(StyledLine())
            text("Scores by criterion (weight 1-5, score 0-10)", CellStyle(.heading, bold: true))
            for criterion in record.criteria {
                text("\(criterion.name) ×\(criterion.weight)", CellStyle(.text, bold: true), indent: 1)
                for option in record.options {
                    let value = record.score(option: option.name, criterion: criterion.name).map { "\($0.value)" } ?? "?"
                    text("\(option.name): \(value)", value == "?" ? CellStyle(.dim) : .plain, indent: 3)
                }
            }
        }
        for option in record.options where !option.pros.isEmpty || !option.cons.isEmpty {
            out.append(StyledLine())
            text(option.name, CellStyle(.text, bold: true))
            for pro in option.pros { text("+ " + pro, indent: 1) }
            for con in option.cons { text("− " + con, indent: 1) }
        }
        if record.options.count > 1 {
            out.append(StyledLine())
            text(DecisionReport.sensitivitySentence(analysis), CellStyle(.dim))
        }
        if record.recommendedOption != nil || DecisionReport.commentLine(record) != nil {
            out.append(StyledLine())
            text("Recommendation", CellStyle(.heading, bold: true))
            if let winner = record.recommendedOption { text(winner + " (highest weighted total)") }
            if let comment = DecisionReport.commentLine(record) { text(comment, CellStyle(record.modelDisagrees ? .notice : .dim)) }
        }
        if let outcome = record.outcome {
            out.append(StyledLine())
            text("Outcome", CellStyle(.heading, bold: true))
            text(outcome.text)
        }
        let open = DecisionReport.openItems(record)
        if panel.progress == nil && !record.question.isEmpty && !open.isEmpty {
            out.append(StyledLine())
            text("Still open (/decide asks the model again)", CellStyle(.heading, bold: true))
            for item in open { text("· " + item, CellStyle(.dim), indent: 1) }
        }
        if !record.question.isEmpty {
            // The id the CLI takes: `parley decide show ID` prints what this panel saved.
            out.append(StyledLine())
            text("decision \(record.id)", CellStyle(.dim))
        }
        return out
    }
}
