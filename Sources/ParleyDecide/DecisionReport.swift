import Foundation

/// Human-readable forms of a decision: the terminal summary and the Markdown export. Pure.
public enum DecisionReport {
    /// A total as shown: two decimals (the exact fraction is in the JSON as a Double).
    public static func format(_ total: Double?) -> String {
        guard let total else { return "-" }
        return String(format: "%.2f", total)
    }

    /// What is still open, one line each: derived from the matrix as it is now (so an edit that fills a
    /// gap removes its line), then the record's notes.
    public static func openItems(_ record: DecisionRecord) -> [String] {
        var items: [String] = []
        if record.options.count < 2 { items.append("fewer than two options") }
        if record.criteria.isEmpty { items.append("no criteria") }
        for criterion in record.criteria where criterion.givenBy == .assumed {
            items.append("the weight of '\(criterion.name)' is assumed to be 3 (neutral)")
        }
        for cell in record.analysis.missing { items.append("no score for '\(cell.option)' on '\(cell.criterion)'") }
        return items + record.notes
    }

    /// One sentence about how fragile the winner is.
    public static func sensitivitySentence(_ analysis: DecisionAnalysis) -> String {
        let sensitivity = analysis.sensitivity
        switch sensitivity.status {
        case .noWinner:
            let top = analysis.ranking.filter { $0.rank == 1 }
            if top.count > 1 { return "No single winner: \(top.map { "'\($0.option)'" }.joined(separator: " and ")) are tied at the top." }
            return "Not enough scored options to name a winner."
        case .robust:
            return "Robust: no single change of one weight (1-5) or one score (0-10) puts another option ahead of '\(analysis.winner ?? "")'."
        case .flips:
            guard let change = sensitivity.change else { return "" }
            switch change.kind {
            case .weight:
                return "Closest call: if the weight of '\(change.criterion)' went from \(change.from) to \(change.to), '\(change.newWinner)' would move ahead of '\(change.winner)'."
            case .score:
                return "Closest call: if '\(change.option ?? "")' scored \(change.to) instead of \(change.from) on '\(change.criterion)', '\(change.newWinner)' would move ahead of '\(change.winner)'."
            }
        }
    }

    /// The model's comment, flagged when it picks another option than the totals do; nil without one.
    public static func commentLine(_ record: DecisionRecord) -> String? {
        guard let comment = record.recommendation, !comment.isEmpty else { return nil }
        guard record.modelDisagrees, let choice = record.modelChoice else { return "The model's comment: \(comment)" }
        return "The model's comment (it prefers \(choice), which the totals do not support): \(comment)"
    }

    /// The terminal summary: the matrix with weights and totals, the ranking, sensitivity,
    /// recommendation, pros and cons, and what is still missing.
    public static func text(_ record: DecisionRecord) -> String {
        let analysis = record.analysis
        var out = "Decision \(record.id)\n\(record.question)\n\n"
        if record.options.isEmpty || record.criteria.isEmpty {
            out += "The matrix is empty: \(record.options.isEmpty ? "no options" : "no criteria") yet.\n"
        } else {
            out += matrix(record, analysis) + "\n"
            out += "  * given by you   ~ weight assumed (neutral 3)   - no score yet\n\n"
        }
        if !analysis.ranking.isEmpty {
            out += "Ranking:\n"
            for entry in analysis.ranking {
                out += "  \(entry.rank). \(entry.option)  \(format(entry.total))\(entry.tied ? "  (tie)" : "")\n"
            }
            out += "\n" + sensitivitySentence(analysis) + "\n"
        }
        if let winner = record.recommendedOption { out += "\nRecommendation: \(winner) (highest weighted total)\n" }
        if let comment = commentLine(record) { out += (record.recommendedOption == nil ? "\n" : "") + comment + "\n" }
        let withPoints = record.options.filter { !$0.pros.isEmpty || !$0.cons.isEmpty }
        if !withPoints.isEmpty {
            out += "\nPros and cons:\n"
            for option in withPoints {
                out += "  \(option.name)\n"
                for pro in option.pros { out += "    + \(pro)\n" }
                for con in option.cons { out += "    - \(con)\n" }
            }
        }
        if let outcome = record.outcome {
            out += "\nOutcome (\(day(outcome.date))): \(outcome.text)\n"
        }
        let open = openItems(record)
        if !open.isEmpty {
            out += "\nLeft for you to fill in:\n" + open.map { "  - \($0)\n" }.joined()
        }
        return out
    }

    static func matrix(_ record: DecisionRecord, _ analysis: DecisionAnalysis) -> String {
        let header = ["Option"] + record.criteria.map { "\($0.name) (\($0.weight)\($0.givenBy == .user ? "*" : $0.givenBy == .assumed ? "~" : ""))" } + ["Total"]
        var rows: [[String]] = [header]
        for (index, option) in record.options.enumerated() {
            var row = [option.name + (option.givenBy == .user ? "*" : "")]
            for criterion in record.criteria {
                if let score = record.score(option: option.name, criterion: criterion.name) {
                    row.append("\(score.value)\(score.givenBy == .user ? "*" : "")")
                } else {
                    row.append("-")
                }
            }
            row.append(format(analysis.totals[index].total))
            rows.append(row)
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// The Markdown export: everything in the record, readable on its own.
    public static func markdown(_ record: DecisionRecord) -> String {
        let analysis = record.analysis
        var out = "# Decision: \(inline(record.question))\n\n"
        out += "Id `\(record.id)` · created \(day(record.createdAt)) · updated \(day(record.updatedAt))"
        if let model = record.model { out += " · model \(inline(model))" }
        out += "\n\n## Scores\n\n"
        if record.options.isEmpty || record.criteria.isEmpty {
            out += "No \(record.options.isEmpty ? "options" : "criteria") yet.\n"
        } else {
            let rank = Dictionary(analysis.ranking.map { ($0.option, $0.rank) }, uniquingKeysWith: { a, _ in a })
            out += "| Option | " + record.criteria.map { "\(cell($0.name)) (weight \($0.weight))" }.joined(separator: " | ") + " | Total | Rank |\n"
            out += "|---|" + record.criteria.map { _ in "---:|" }.joined() + "---:|---:|\n"
            for (index, option) in record.options.enumerated() {
                let scores = record.criteria.map { criterion in
                    record.score(option: option.name, criterion: criterion.name).map { String($0.value) } ?? "–"
                }
                out += "| \(cell(option.name)) | " + scores.joined(separator: " | ")
                    + " | \(format(analysis.totals[index].total)) | \(rank[option.name].map(String.init) ?? "–") |\n"
            }
            out += "\nTotals are Σ weight × score / Σ weight over the scored criteria.\n"
            out += "\n## Sensitivity\n\n" + sensitivitySentence(analysis) + "\n"
        }
        out += "\n## Pros and cons\n"
        for option in record.options {
            out += "\n### \(inline(option.name))\n\n"
            if option.pros.isEmpty && option.cons.isEmpty { out += "None recorded.\n"; continue }
            out += option.pros.map { "- Pro: \(inline($0))\n" }.joined() + option.cons.map { "- Con: \(inline($0))\n" }.joined()
        }
        if !record.reasoning.isEmpty { out += "\n## Reasoning\n\n\(record.reasoning)\n" }
        out += "\n## Recommendation\n\n" + (record.recommendedOption.map { "\(inline($0)) (highest weighted total).\n" } ?? "None: no single option leads.\n")
        if let comment = commentLine(record) { out += "\n" + inline(comment) + "\n" }
        out += "\n## Outcome\n\n" + (record.outcome.map { "\(day($0.date)): \($0.text)\n" } ?? "Not recorded yet.\n")
        let open = openItems(record)
        if !open.isEmpty { out += "\n## Still open\n\n" + open.map { "- \(inline($0))\n" }.joined() }
        return out
    }

    static func day(_ date: Date) -> String {
        Date.ISO8601FormatStyle().year().month().day().format(date)
    }

    private static func inline(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static func cell(_ text: String) -> String {
        inline(text).replacingOccurrences(of: "|", with: "\\|")
    }
}
