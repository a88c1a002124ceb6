import ArgumentParser
import Foundation
import ParleyCore
import ParleyDecide
import ParleyEngine
import ParleyStore

extension DecideCommand {
    /// `parley decide new "QUESTION"`: the user's values first (all checked before anything is
    /// asked or saved), then the model's part, then one save.
    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a decision: the model fills in what you did not give.",
            discussion: """
                Options, criteria, weights and scores you give are kept as given; the model fills in \
                only what is missing (use --no-model to compute from what you gave). Totals are \
                sum(weight x score) / sum(weight) over the scored criteria; the sensitivity line names \
                the smallest change of one weight (1-5) or one score (0-10) that would put another \
                option ahead.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var backendOptions: BackendOptions
        @OptionGroup var sampling: SamplingFlags
        @Argument(help: ArgumentHelp("The question. Words are joined with spaces.", valueName: "question")) var words: [String] = []
        @OptionGroup var matrix: DecisionMatrixOptions
        @Flag(name: .customLong("no-model"), help: "Do not ask a model: compute from what you gave.") var noModel = false
        @Flag(help: "Print the decision record as JSON.") var json = false

        // The flags that chose an action before each action had its subcommand: kept hidden, so
        // that an old script is told where its action went instead of "unknown option".
        @Flag(help: .hidden) var list = false
        @Option(help: .hidden) var show: String?
        @Option(help: .hidden) var export: String?
        @Option(help: .hidden) var outcome: String?
        @Option(help: .hidden) var edit: String?

        func validate() throws {
            let moved: [(given: Bool, flag: String, now: String)] = [
                (list, "--list", "parley decide list"), (show != nil, "--show", "parley decide show ID"),
                (export != nil, "--export", "parley decide export ID"), (outcome != nil, "--outcome", "parley decide outcome ID TEXT"),
                (edit != nil, "--edit", "parley decide edit ID"),
            ]
            if let old = moved.first(where: \.given) {
                throw ValidationError("'parley decide \(old.flag)' is now '\(old.now)'")
            }
            if words.joined().trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("give the question to decide (or see 'parley decide --help' for list, show, edit, export, outcome)")
            }
        }

        func run() async throws {
            let context = try AppContext(global: global)
            let store = try DecisionRecord.store(root: context.storageDirectory, diagnostics: { Console.status($0) })
            var record = DecisionRecord(question: DecisionNames.clean(words.joined(separator: " ")))
            try matrix.edits.apply(to: &record)
            if !noModel { try await fill(&record, context) }
            record.updatedAt = Date()
            try store.create(record)
            try DecideCommand.print(record, json: json)
            Console.status("saved as decision \(record.id); change it with 'parley decide edit \(record.id) ...'")
            if record.notes.contains(DecisionSession.stoppedNote) { throw ExitCode(130) }
            if let unavailable = record.notes.first(where: { $0.hasPrefix(DecisionSession.unavailablePrefix) }) {
                // Saved with what was given, but the user asked for the model's help and did not get it.
                Console.status(unavailable)
                throw ExitCode(1)
            }
        }

        /// The model's part: the staged flow fills in what the record lacks; Ctrl-C keeps what
        /// was gathered.
        private func fill(_ record: inout DecisionRecord, _ context: AppContext) async throws {
            let library = try context.loadPersonas()
            let persona = library.decisionCoach
            let factory = BackendFactory(context: context)
            let chosen = try factory.choose(backendOptions, preferred: persona.backend)
            let backend = try factory.make(chosen, backendOptions)
            var settings = TurnSettings(
                systemPrompt: persona.systemPrompt, examples: persona.examples,
                sampling: sampling.options(for: persona, defaults: context.config.sampling, defaultLength: false))
            // The decision's conversation remembers where it was answered, as a chat's does.
            settings.backendChoice = chosen.choice
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
    }
}
