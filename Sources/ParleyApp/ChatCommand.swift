import ArgumentParser
import CursesTerminal
import Foundation
import ParleyCore
import ParleyEngine
import ParleyImages
import ParleyModels
import ParleyStore
import ParleyTUI
import ParleyWrite

/// `parley` / `parley chat`: the full-screen chat.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Open the full-screen chat (the default when no command is given).",
        discussion: """
            Enter sends, Ctrl-J or Alt-Enter inserts a new line, F1 shows every key and /command, \
            F2 lists conversations. Needs a terminal; for scripts and pipes use 'parley ask'.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: BackendOptions
    @OptionGroup var sampling: SamplingFlags
    @OptionGroup var imageOptions: ChatImageOptions

    @Option(help: ArgumentHelp("Use this persona's prompt and examples.", valueName: "name")) var persona: String?
    @Flag(name: [.customShort("c"), .customLong("continue")], help: "Reopen the most recently updated conversation.") var continueLast = false
    @Option(help: ArgumentHelp("Reopen this conversation (an id or a unique prefix).", valueName: "id")) var conversation: String?
    @Option(help: ArgumentHelp("Colour theme: dark, light or none (none also under NO_COLOR).", valueName: "theme"))
    var theme: String = "dark"
    @Flag(help: "Report the mouse wheel for scrolling (the terminal's own text selection then needs Shift).")
    var mouse = false

    func validate() throws {
        if continueLast && conversation != nil { throw ValidationError("--continue and --conversation both choose a conversation; give one") }
        if TerminalTheme(rawValue: theme) == nil { throw ValidationError("--theme takes dark, light or none") }
    }

    func run() async throws {
        // Refuse early and clearly where a full screen cannot work.
        guard Console.stdoutIsTerminal, Console.stdinIsTerminal else { throw TerminalFailure.notATerminal }
        let environment = ProcessInfo.processInfo.environment
        guard let term = environment["TERM"], !term.isEmpty else { throw TerminalFailure.termUnset }
        _ = term
        let locale = try TerminalLocale.prepare()

        let context = try AppContext(global: global)
        let personas = try context.loadPersonas()
        let store = try context.openStore()
        let templates = try context.loadTemplates()
        let drafts = try context.openDrafts()
        var opened: StoredConversation?
        if continueLast {
            guard let last = try store.mostRecent() else {
                throw ValidationError("--continue: there is no stored conversation yet")
            }
            opened = try store.load(id: last.id)
        } else if let conversation {
            opened = try store.load(id: try store.resolve(conversation))
        }
        let personaName = persona ?? opened?.conversation.persona ?? context.config.persona ?? "assistant"
        let chosenPersona = try personas.persona(named: personaName)
        // A reopened conversation goes back to the backend and model it was answered by, unless the
        // options choose another.
        let factory = BackendFactory(context: context)
        let chosen = try factory.choose(backendOptions, preferred: chosenPersona.backend, remembered: opened?.conversation.backend)
        let backend: any ChatBackend
        do {
            backend = try factory.make(chosen, backendOptions)
        } catch let missing as BackendFactory.MissingDefaultModel {
            // The full screen offers to pull it, shows the download, and the chat opens on it.
            guard let entry = ModelCatalog.entry(named: missing.catalogName),
                try await ModelOfferScreen(context: context, entry: entry, theme: TerminalTheme(rawValue: theme) ?? .dark).run()
            else { throw missing }
            backend = try factory.make(chosen, backendOptions)
        }

        let session = ChatSession(
            context: context, store: store, personas: personas, templates: templates, drafts: drafts, persona: chosenPersona,
            backend: backend, backendChoice: chosen.choice,
            backendOptions: backendOptions, sampling: sampling, opened: opened,
            theme: TerminalTheme(rawValue: theme) ?? .dark, mouse: mouse, imageBackend: imageOptions.backend(context: context),
            pictureDisplay: try PictureDisplayDetector.choose(
                flag: imageOptions.images, config: context.config.imageDisplay, environment: context.environment,
                deviceAttributes: imageOptions.images == nil && context.config.imageDisplay == nil
                    && PictureDisplayDetector.worthAsking(environment: context.environment) ? TerminalQuery.deviceAttributes() : nil))
        if case .fellBack(let from) = locale {
            session.startupNotice = "the locale \(from) is not UTF-8; using C.UTF-8 for this screen"
        }
        try await session.run()
    }
}
