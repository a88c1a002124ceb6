import Foundation
import ParleyCore
import ParleyModels

/// How models are written out for people: the table of `models list`, `models show`, the catalog.
enum ModelsText {
    static func bytes(_ count: Int64) -> String { ByteCountText.describe(Int(clamping: count)) }

    static func parameters(_ count: Int?) -> String {
        guard let count else { return "?" }
        if count >= 1_000_000_000 { return String(format: "%.2fB", Double(count) / 1e9) }
        if count >= 1_000_000 { return "\(Int((Double(count) / 1e6).rounded()))M" }
        return "\(count)"
    }

    /// One line per model: name, architecture, parameters, quantisation, size, context, runnable.
    static func table(_ models: [LocalModelInfo]) -> String {
        let rows = [["NAME", "ARCH", "PARAMS", "QUANT", "SIZE", "CONTEXT", "RUNS"]] + models.map { model in
            [
                model.name + (model.catalogName.map { " (\($0))" } ?? ""), model.architecture ?? "?", parameters(model.parameters),
                model.quantisation ?? "?", bytes(model.size), model.contextLength.map(String.init) ?? "?",
                model.runnable ? "yes" : "no: " + (model.notRunnableBecause ?? "?"),
            ]
        }
        return layout(rows)
    }

    static func catalog(_ entries: [CatalogEntry], installed: Set<String>) -> String {
        let rows = [["NAME", "ARCH", "PARAMS", "SIZE", "LICENCE", "RUNS", "FROM", "FILE", "SHA-256"]] + entries.map { entry in
            [
                entry.name + (installed.contains(entry.name) ? " *" : ""), entry.architecture, entry.parameters,
                entry.fileSize.map(bytes) ?? "(Hub)", entry.licence, entry.runsToday ? "yes" : "not yet", entry.origin,
                entry.originFile, entry.sha256 ?? "(Hub lfs.oid at pull time) †",
            ]
        }
        var notes = "* installed. Pull one with: parley models pull NAME\n"
        if entries.contains(where: { $0.sha256 == nil }) {
            notes += "† no published SHA-256 could be checked for it here: the pull checks the file against the Hub listing's "
                + "lfs.oid (its SHA-256) and refuses it if the listing gives none\n"
        }
        return layout(rows) + notes
    }

    static func details(_ model: LocalModelInfo) -> String {
        var lines: [(String, String?)] = [
            ("name", model.name), ("catalog name", model.catalogName), ("file", model.file), ("size", "\(model.size) bytes"),
            ("architecture", model.architecture), ("parameters", model.parameters.map { "\($0) (\(parameters($0)))" }),
            ("quantisation", model.quantisation), ("context length", model.contextLength.map(String.init)),
            ("runs here", model.runnable ? "yes" : "no: " + (model.notRunnableBecause ?? "?")), ("pulled from", model.origin),
            ("sha256", model.sha256),
        ]
        lines = lines.filter { $0.1 != nil }
        return lines.map { "\($0.0.padding(toLength: 15, withPad: " ", startingAt: 0)) \($0.1!)\n" }.joined()
    }

    /// Columns padded to their widest cell (names are ASCII file names and fixed words).
    private static func layout(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
