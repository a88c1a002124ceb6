import ArgumentParser
import Foundation
import ParleyCore
import ParleyDecide
import ParleyEngine
import ParleyStore

/// `parley decide`: weigh options against criteria. The model proposes what the user did not give;
/// the totals, ranking and sensitivity are computed here. Records are kept in `<storage>/decisions/`.
struct DecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Work through a decision: options, weighted criteria, scores, and a recommendation.",
        discussion: """
            Options, criteria, weights and scores you give are kept as given; the model fills in only \
            what is missing (use --no-model to compute from what you gave). Totals are \
            sum(weight x score) / sum(weight) over the scored criteria; the sensitivity line names the \
            smallest change of one weight (1-5) or one score (0-10) that would put another option ahead. \
            Records are saved and can be listed, shown, edited, exported as Markdown and given an \
            outcome later.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: BackendOptions
    @OptionGroup var sampling: SamplingFlags

    @Argument(help: ArgumentHelp("The question (or, with --outcome, what happened). Words are joined with spaces.", valueName: "question"))
    var words: [String] = []

    @Option(name: .customLong("option"), help: ArgumentHelp("An option to consider (repeatable).", valueName: "text"))
    var options: [String] = []
    @Option(name: .customLong("criterion"), help: ArgumentHelp("A criterion, with an optional weight 1-5 (repeatable).", valueName: "name[:weight]"))
    var criteria: [String] = []
    @Option(name: .customLong("score"), help: ArgumentHelp("A score 0-10 for one option on one criterion (repeatable).", valueName: "option:criterion=value"))
    var scores: [String] = []
    @Option(name: .customLong("remove-option"), help: ArgumentHelp("With --edit: remove an option and its scores.", valueName: "name"))
    var removeOptions: [String] = []
    @Option(name: .customLong("remove-criterion"), help: ArgumentHelp("With --edit: remove a criterion and its scores.", valueName: "name"))
    var removeCriteria: [String] = []
    @Option(name: .customLong("remove-score"), help: ArgumentHelp("With --edit: clear one score.", valueName: "option:criterion"))
    var removeScores: [String] = []

    @Flag(name: .customLong("no-model"), help: "Do not ask a model: compute from what you gave.") var noModel = false
    @Flag(help: "List saved decisions, newest first.") var list = false
    @Option(help: ArgumentHelp("Show a saved decision (an id or a unique prefix).", valueName: "id")) var show: String?
    @Option(help: ArgumentHelp("Print a saved decision as Markdown.", valueName: "id")) var export: String?
    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("With --export: write to this file.", valueName: "file"))
    var output: String?
    @Flag(help: "With -o: let it replace an existing file.") var force = false
    @Option(help: ArgumentHelp("Record what happened after a decision: --outcome ID TEXT.", valueName: "id")) var outcome: String?
    @Option(help: ArgumentHelp("Change a saved decision with --option/--criterion/--score and the --remove flags.", valueName: "id"))
    var edit: String?
    @Flag(help: "Print the decision record (or, with --list, the summaries) as JSON.") var json = false

    private var edits: DecisionEdits {
        DecisionEdits(
            addOptions: options, criteria: criteria, scores: scores, removeOptions: removeOptions,
            removeCriteria: removeCriteria, removeScores: removeScores)
    }

    func validate() throws {
        let actions = [list, show != nil, export != nil, outcome != nil, edit != nil].filter { $0 }.count
        if actions > 1 { throw ValidationError("--list, --show, --export, --outcome and --edit each choose what to do; give one") }
        let hasRemovals = !(removeOptions.isEmpty && removeCriteria.isEmpty && removeScores.isEmpty)
        let hasEdits = !edits.isEmpty
        if edit == nil && hasRemovals { throw ValidationError("--remove-option, --remove-criterion and --remove-score need --edit ID") }
        if (list || show != nil || export != nil || outcome != nil) && hasEdits {
            throw ValidationError("--option, --criterion and --score go with a new question or --edit ID")
        }
        if output != nil && export == nil { throw ValidationError("-o/--output goes with --export ID") }
        if force && output == nil { throw ValidationError("--force only applies with -o FILE") }
        if (list || show != nil || export != nil || edit != nil) && !words.isEmpty {
            throw ValidationError("unexpected text '\(words.joined(separator: " "))': a question starts a new decision")
        }
        if outcome != nil && words.joined().trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--outcome ID needs the text of what happened")
        }
        if actions == 0 && words.joined().trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("give the question to decide, or --list, --show ID, --export ID, --outcome ID TEXT or --edit ID")
        }
        if edit != nil && !hasEdits { throw ValidationError("--edit ID needs something to change: --option, --criterion, --score or a --remove flag") }
    }

    func run() async throws {
        let context = try AppContext(global: global)
        let store = try DecisionRecord.store(root: context.storageDirectory, diagnostics: { Console.status($0) })
        if list { return try listDecisions(store) }
        if let show { return try printRecord(try store.load(id: try store.resolve(show))) }
        if let export {
            let markdown = DecisionReport.markdown(try store.load(id: try store.resolve(export)))
            if let output {
                try OutputFile.write(Data(markdown.utf8), to: output, force: force)
                Console.status("wrote \(output)")
            } else {
                Console.out(markdown)
            }
            return
        }
        if let outcome {
            let text = words.joined(separator: " ")
            let record = try store.update(id: try store.resolve(outcome)) { try $0.setOutcome(text, date: Date()) }
            Console.status("recorded the outcome of decision \(record.id)")
            return
        }
        if let edit {
            let edits = self.edits
            let record = try store.update(id: try store.resolve(edit)) { record in
                try edits.apply(to: &record)
                record.updatedAt = Date()
            }
            return try printRecord(record)
        }
        try await decide(context: context, store: store)
    }

    /// A new decision: the user's values first (all checked before anything is asked or saved),
    /// then the model's part, then one save.
    private func decide(context: AppContext, store: DocumentStore<DecisionRecord>) async throws {
        var record = DecisionRecord(question: DecisionNames.clean(words.joined(separator: " ")))
        try edits.apply(to: &record)
        if !noModel {
            let library = try context.loadPersonas()
            let persona = library.decisionCoach
            let backend = try BackendFactory(context: context).make(backendOptions, preferred: persona.backend)
            let settings = TurnSettings(
                systemPrompt: persona.systemPrompt, examples: persona.examples,
                sampling: sampling.options(for: persona, defaults: context.config.sampling, defaultLength: false))
            let turns = EngineDecisionTurns(
                engine: ConversationEngine(store: try context.openStore()), backend: backend, settings: settings,
                persona: persona.name, title: record.question)
            // The fixed notice for crisis language, as in every mode (the turns here go through the
            // engine without its event stream).
            if CrisisCheck.matches(record.question) { Console.status(CrisisCheck.notice) }
            let session = DecisionSession(turns: turns, progress: { Console.status($0) })
            let start = record
            let flow = Task { try await session.run(start) }
            let interrupt = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { flow.cancel() }
            record = try await flow.value
            interrupt.stop()
            record.conversationID = await turns.conversationID
            record.backend = backend.descriptor.name
            record.model = backend.descriptor.model.isEmpty ? nil : backend.descriptor.model
        }
        record.updatedAt = Date()
        try store.create(record)
        try printRecord(record)
        Console.status("saved as decision \(record.id); change it with 'parley decide --edit \(record.id) ...'")
        if record.notes.contains(DecisionSession.stoppedNote) { throw ExitCode(130) }
        if let unavailable = record.notes.first(where: { $0.hasPrefix(DecisionSession.unavailablePrefix) }) {
            // Saved with what was given, but the user asked for the model's help and did not get it.
            Console.status(unavailable)
            throw ExitCode(1)
        }
    }

    private func printRecord(_ record: DecisionRecord) throws {
        if json {
            Console.out(try JSONOutput.encode(record) + "\n")
        } else {
            Console.out(DecisionReport.text(record))
        }
    }

    private func listDecisions(_ store: DocumentStore<DecisionRecord>) throws {
        let records = try store.list()
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

/// One decision in `decide --list --json`.
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
