import ArgumentParser
import Foundation
import ParleyCore
import ParleyDecide
import ParleyStore

extension DecideCommand {
    /// `parley decide list`: the saved decisions.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List saved decisions, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array of the decisions' summaries.") var json = false

        func run() async throws {
            let records = try DecideCommand.openStore(global).list()
            if json {
                Console.out(try JSONOutput.encode(records.map(DecisionSummaryJSON.init)) + "\n")
                return
            }
            if records.isEmpty { Console.status("no saved decisions yet; start one with 'parley decide \"QUESTION\"'") }
            for record in records {
                let when = Date.ISO8601FormatStyle().year().month().day().format(record.updatedAt)
                let winner = record.analysis.winner.map { " -> \($0)" } ?? ""
                Console.out("\(record.id)  \(when)  \(Console.oneLine(record.question))\(Console.oneLine(winner))\(record.outcome == nil ? "" : "  [outcome]")\n")
            }
        }
    }

    /// `parley decide show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a saved decision.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The decision (an id or a unique prefix).", valueName: "id")) var id: String
        @Flag(help: "Print the decision record as JSON.") var json = false

        func run() async throws {
            let store = try DecideCommand.openStore(global)
            try DecideCommand.print(try store.load(id: try store.resolve(id)), json: json)
        }
    }

    /// `parley decide edit ID`: the matrix changed and everything recomputed.
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a saved decision: totals, ranking and sensitivity are recomputed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The decision (an id or a unique prefix).", valueName: "id")) var id: String
        @OptionGroup var matrix: DecisionMatrixOptions
        @Option(name: .customLong("remove-option"), help: ArgumentHelp("Remove an option and its scores.", valueName: "name"))
        var removeOptions: [String] = []
        @Option(name: .customLong("remove-criterion"), help: ArgumentHelp("Remove a criterion and its scores.", valueName: "name"))
        var removeCriteria: [String] = []
        @Option(name: .customLong("remove-score"), help: ArgumentHelp("Clear one score.", valueName: "option:criterion"))
        var removeScores: [String] = []
        @Flag(help: "Print the decision record as JSON.") var json = false

        private var edits: DecisionEdits {
            var edits = matrix.edits
            edits.removeOptions = removeOptions
            edits.removeCriteria = removeCriteria
            edits.removeScores = removeScores
            return edits
        }

        func validate() throws {
            if edits.isEmpty { throw ValidationError("say what to change: --option, --criterion, --score or a --remove flag") }
        }

        func run() async throws {
            let edits = self.edits
            let store = try DecideCommand.openStore(global)
            let record = try store.update(id: try store.resolve(id)) { record in
                try edits.apply(to: &record)
                record.updatedAt = Date()
            }
            try DecideCommand.print(record, json: json)
        }
    }

    /// `parley decide export ID`: the Markdown report.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a saved decision as Markdown, or write it to a file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The decision (an id or a unique prefix).", valueName: "id")) var id: String
        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write to this file.", valueName: "file"))
        var output: String?
        @Flag(help: "Let -o replace an existing file.") var force = false

        func validate() throws {
            if force && output == nil { throw ValidationError("--force only applies with -o FILE") }
        }

        func run() async throws {
            let store = try DecideCommand.openStore(global)
            let markdown = DecisionReport.markdown(try store.load(id: try store.resolve(id)))
            guard let output else { return Console.out(markdown) }
            try OutputFile.write(Data(markdown.utf8), to: output, force: force)
            Console.status("wrote \(output)")
        }
    }

    /// `parley decide outcome ID TEXT`: what happened, for looking back.
    struct Outcome: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record what happened after a decision.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The decision (an id or a unique prefix).", valueName: "id")) var id: String
        @Argument(help: ArgumentHelp("What happened. Words are joined with spaces.", valueName: "text")) var words: [String] = []

        func validate() throws {
            if words.joined().trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("say what happened, e.g. \"took the bus\"") }
        }

        func run() async throws {
            let store = try DecideCommand.openStore(global)
            let text = words.joined(separator: " ")
            let record = try store.update(id: try store.resolve(id)) { try $0.setOutcome(text, date: Date()) }
            Console.status("recorded the outcome of decision \(record.id)")
        }
    }
}

/// One decision in `decide list --json`.
struct DecisionSummaryJSON: Encodable {
    var id: String
    var question: String
    var createdAt: Date
    var updatedAt: Date
    var options: [String]
    var winner: String?
    var recommendation: String?
    var outcome: String?

    init(_ record: DecisionRecord) {
        id = record.id
        question = record.question
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        options = record.options.map(\.name)
        winner = record.analysis.winner
        recommendation = record.recommendation
        outcome = record.outcome?.text
    }
}
