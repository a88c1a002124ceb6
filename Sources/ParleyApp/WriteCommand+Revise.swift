import ArgumentParser
import ParleyCore
import ParleyStore
import ParleyWrite

extension WriteCommand {
    /// `parley write revise DRAFT CHANGE`: the next version of a draft.
    struct Revise: AsyncParsableCommand, DraftWritingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the next version of a draft.",
            discussion: """
                The change is said in words, e.g. "make it shorter". A revision that comes back \
                unchanged (or not shorter, when asked) is written once more with another seed; if it \
                still does, no version is made.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var backendOptions: BackendOptions
        @OptionGroup var sampling: SamplingFlags
        @Argument(help: ArgumentHelp("The draft (an id or a unique prefix).", valueName: "draft")) var draft: String
        @Argument(help: ArgumentHelp("The change to make. Words are joined with spaces.", valueName: "change")) var change: [String] = []
        @OptionGroup var draftOutput: DraftOutputOptions

        func validate() throws {
            if change.joined().trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("say what to change, e.g. parley write revise \(draft) \"make it shorter\"")
            }
        }

        func run() async throws {
            let context = try AppContext(global: global)
            let store = try context.openDrafts()
            let draft = try store.load(id: try store.resolve(self.draft))
            if let output = draftOutput.output { try OutputFile.check(output, force: draftOutput.force) }
            // The template may have been removed since; then the revision is only checked for having changed.
            let template = try? context.loadTemplates().template(named: draft.template)
            let persona = try context.loadPersonas().persona(named: draft.revisionPersonaName(template: template))
            let writer = try makeWriter(context, persona: persona, drafts: store, continuing: draft.conversationID)
            let instruction = change.joined(separator: " ")
            let result = try await generate { onEvent in
                try await writer.revise(draft, template: template, instruction: instruction, onEvent: onEvent)
            }
            try finish(
                result, saved: writer.drafts != nil, revisedFrom: draft.versionCount,
                maxTokens: sampling.maxTokens ?? context.config.sampling.maxTokens)
        }
    }
}
