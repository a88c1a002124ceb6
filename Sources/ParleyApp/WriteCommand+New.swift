import ArgumentParser
import ParleyCore
import ParleyStore
import ParleyWrite

extension WriteCommand {
    /// `parley write new TEMPLATE`: the first version of a draft.
    struct New: AsyncParsableCommand, DraftWritingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new draft from a template.",
            discussion: """
                The draft goes to stdout (or to -o FILE) once it has been checked; the draft's id and \
                any notes go to stderr. A draft that repeats the template's example, leaves out a value \
                you gave or misses the template's structure is written once more with another seed. \
                Piped standard input fills the template's multi-line field (diff, text, code, notes) \
                when it is the only one left empty. See the templates with 'parley write list', and \
                one template's fields with 'parley write show TEMPLATE'.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var backendOptions: BackendOptions
        @OptionGroup var sampling: SamplingFlags
        @Argument(help: ArgumentHelp("The template (see 'parley write list').", valueName: "template")) var template: String?
        @OptionGroup var values: TemplateValueOptions
        @OptionGroup var draftOutput: DraftOutputOptions

        // The flags that chose an action before each action had its subcommand: kept hidden, so
        // that an old script is told where its action went instead of "unknown option".
        @Option(help: .hidden) var revise: String?
        @Option(help: .hidden) var versions: String?
        @Option(help: .hidden) var diff: String?
        @Option(help: .hidden) var show: String?
        @Flag(help: .hidden) var list = false
        @Flag(help: .hidden) var drafts = false

        func validate() throws {
            let moved: [(given: Bool, flag: String, now: String)] = [
                (revise != nil, "--revise", "parley write revise DRAFT CHANGE"),
                (versions != nil, "--versions", "parley write versions DRAFT [N]"),
                (diff != nil, "--diff", "parley write diff DRAFT [A B]"),
                (show != nil, "--show", "parley write show TEMPLATE"),
                (list, "--list", "parley write list"),
                (drafts, "--drafts", "parley write drafts"),
            ]
            if let old = moved.first(where: \.given) {
                throw ValidationError("'parley write \(old.flag)' is now '\(old.now)'")
            }
            if template == nil { throw ValidationError("name a template (see 'parley write list')") }
        }

        func run() async throws {
            let context = try AppContext(global: global)
            guard let name = self.template else { return }  // validate() refused this
            let template = try context.loadTemplates().template(named: name)
            let values = try values.values(for: template, inputLimit: sampling.inputLimit(defaults: context.config.sampling))
            let filled = try TemplateFiller.fill(template, values: values, controls: try self.values.controls)
            if let output = draftOutput.output { try OutputFile.check(output, force: draftOutput.force) }
            let persona = try context.loadPersonas().persona(named: template.personaName)
            let writer = try makeWriter(context, persona: persona)
            let result = try await generate { onEvent in try await writer.start(filled, template: template, onEvent: onEvent) }
            try finish(result, saved: writer.drafts != nil, maxTokens: sampling.maxTokens ?? context.config.sampling.maxTokens)
        }
    }
}
