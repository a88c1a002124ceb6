/// Counts of feedback by persona, model and kind (`parley feedback stats`). Pure.
public struct FeedbackStats: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var persona: String
        public var model: String
        public var counts: [FeedbackEntry.Kind: Int]

        public func count(_ kind: FeedbackEntry.Kind) -> Int { counts[kind] ?? 0 }
    }

    /// One row per persona and model, sorted by persona then model.
    public var rows: [Row]

    public init(_ entries: [FeedbackEntry]) {
        var table: [String: Row] = [:]
        for entry in entries {
            let persona = entry.persona ?? "-"
            let model = entry.model ?? "-"
            let key = persona + "\u{0}" + model
            var row = table[key] ?? Row(persona: persona, model: model, counts: [:])
            row.counts[entry.kind, default: 0] += 1
            table[key] = row
        }
        rows = table.values.sorted { ($0.persona, $0.model) < ($1.persona, $1.model) }
    }

    /// Each kind's count over all rows.
    public func total(_ kind: FeedbackEntry.Kind) -> Int { rows.reduce(0) { $0 + $1.count(kind) } }

    /// A plain table: a header, a line per persona and model, and the totals.
    public var table: String {
        let kinds = FeedbackEntry.Kind.allCases
        var lines = [["persona", "model"] + kinds.map(\.rawValue)]
        lines += rows.map { row in [row.persona, row.model] + kinds.map { String(row.count($0)) } }
        lines.append(["all", ""] + kinds.map { String(total($0)) })
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { column, cell in
                column < 2 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
