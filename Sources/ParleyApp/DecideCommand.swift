import ArgumentParser
import ParleyCore
import ParleyDecide
import ParleyStore

/// `parley decide`: weigh options against criteria. One subcommand per verb; `parley decide
/// "QUESTION" …` is short for `parley decide new "QUESTION" …`. Records are kept in
/// `<storage>/decisions/`.
struct DecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Work through a decision: options, weighted criteria, scores, and a recommendation.",
        discussion: """
            Examples:
              parley decide "train or fly to Lyon?" --option Train --option Fly --criterion Cost:3
              parley decide edit ID --score Train:Cost=7     (totals, ranking and sensitivity recomputed)
              parley decide list | show ID | export ID -o decision.md | outcome ID "took the train"

            'parley decide "QUESTION" ...' is short for 'parley decide new "QUESTION" ...'. Records \
            are saved and can be listed, shown, edited, exported as Markdown and given an outcome later.
            """,
        subcommands: [New.self, Show.self, Edit.self, Export.self, Outcome.self, List.self],
        defaultSubcommand: New.self)

    /// Prints a record as the text report, or as JSON.
    static func print(_ record: DecisionRecord, json: Bool) throws {
        Console.out(json ? try JSONOutput.encode(record) + "\n" : DecisionReport.text(record))
    }

    /// The decisions folder; notices about unreadable files go to stderr.
    static func openStore(_ global: GlobalOptions) throws -> DocumentStore<DecisionRecord> {
        try DecisionRecord.store(root: try AppContext(global: global).storageDirectory, diagnostics: { Console.status($0) })
    }
}

/// The parts of a matrix given on the command line: `decide new` starts from them, `decide edit`
/// adds them to a saved record.
struct DecisionMatrixOptions: ParsableArguments {
    @Option(name: .customLong("option"), help: ArgumentHelp("An option to consider (repeatable).", valueName: "text"))
    var options: [String] = []
    @Option(name: .customLong("criterion"), help: ArgumentHelp("A criterion, with an optional weight 1-5 (repeatable).", valueName: "name[:weight]"))
    var criteria: [String] = []
    @Option(name: .customLong("score"), help: ArgumentHelp("A score 0-10 for one option on one criterion (repeatable).", valueName: "option:criterion=value"))
    var scores: [String] = []

    var edits: DecisionEdits { DecisionEdits(addOptions: options, criteria: criteria, scores: scores) }
}
