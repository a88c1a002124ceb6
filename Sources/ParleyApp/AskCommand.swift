import ArgumentParser
import Foundation
import ParleyCore
import ParleyEngine
import ParleyPersonas
import ParleyStore
import StructuredOutput

/// `parley ask`: one turn, non-interactive; the reply streams to stdout, everything else to stderr.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask one question and print the reply.",
        discussion: """
            Standard input, when it is not a terminal, is appended after the prompt (like other Unix \
            tools), so `git diff | parley ask "write a commit message"` works. Only the reply goes to \
            stdout; status and errors go to stderr.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: BackendOptions
    @OptionGroup var sampling: SamplingFlags
    @OptionGroup var format: ResponseFormatFlags

    @Argument(help: "The prompt. Words are joined with spaces.") var prompt: [String] = []

    @Option(help: ArgumentHelp("Use this persona's prompt and examples.", valueName: "name")) var persona: String?
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The system prompt for this request, instead of the persona's prompt and examples (not stored).", valueName: "text"))
    var system: String?
    @Flag(name: [.customShort("c"), .customLong("continue")], help: "Continue the most recently updated conversation.") var continueLast = false
    @Option(help: ArgumentHelp("Continue this conversation (an id or a unique prefix).", valueName: "id")) var conversation: String?
    @Flag(name: .customLong("no-save"), help: "Do not store this turn.") var noSave = false
    @Flag(help: "Print one JSON object at the end (conversation id, reply, finish reason, usage) instead of streaming.") var json = false

    func validate() throws {
        if let system, system.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--system is empty: give the system prompt's text")
        }
        if continueLast && conversation != nil { throw ValidationError("--continue and --conversation both choose a conversation; give one") }
        if noSave && (continueLast || conversation != nil) {
            throw ValidationError("--no-save cannot continue a stored conversation")
        }
    }

    /// The persona a conversation was written with is not among the personas any more.
    struct RememberedPersonaMissing: UserFacingError {
        var name: String
        var description: String { "the conversation was written with the persona '\(name)', which is no longer there" }
    }

    func run() async throws {
        let context = try AppContext(global: global)
        var text = prompt.joined(separator: " ")
        if !Console.stdinIsTerminal {
            let input = try Console.readStandardInput(limit: sampling.inputLimit(defaults: context.config.sampling))
            if !input.isEmpty { text = text.isEmpty ? input : text + "\n\n" + input }
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("nothing to ask: give a prompt or pipe text on stdin")
        }

        let store = noSave ? nil : try context.openStore()
        var continued: Conversation?
        if let store, continueLast {
            guard let last = try store.mostRecent() else {
                throw ValidationError("--continue: there is no stored conversation yet")
            }
            continued = try store.load(id: last.id).conversation
        } else if let store, let conversation {
            continued = try store.load(id: try store.resolve(conversation)).conversation
        }
        // A conversation being continued keeps its persona, and goes back to the backend and model
        // it was answered by, unless the options choose others.
        let personaName = persona ?? continued?.persona ?? context.config.persona ?? "assistant"
        let chosenPersona: Persona
        do {
            chosenPersona = try context.loadPersonas().persona(named: personaName)
        } catch is PersonaLibrary.UnknownPersona where persona == nil && continued?.persona == personaName {
            throw RememberedPersonaMissing(name: personaName)
        }
        let target: TurnTarget
        if let continued {
            target = .existing(id: continued.id)
        } else if noSave {
            target = .unsaved(Conversation(persona: personaName))
        } else {
            target = .newConversation(persona: personaName, mode: chosenPersona.mode)
        }
        let remembered = BackendFactory.choosesBackend(backendOptions) ? nil : continued?.backend
        let factory = BackendFactory(context: context)
        let chosen = try factory.choose(backendOptions, preferred: chosenPersona.backend, remembered: remembered)
        let backend = try factory.make(chosen, backendOptions)
        let responseFormat = try format.load()
        if case .grammar? = responseFormat, backend.descriptor.kind != "local" {
            throw ValidationError("--grammar works only with the local backend (\(backend.descriptor.name) is a server); use --schema for JSON")
        }
        var settings = TurnSettings(
            systemPrompt: system ?? chosenPersona.systemPrompt, examples: system == nil ? chosenPersona.examples : [],
            sampling: sampling.options(for: chosenPersona, defaults: context.config.sampling), format: responseFormat)
        settings.backendChoice = chosen.choice

        // A schema reply reaches stdout only once it has been checked, so stdout holds nothing but
        // that JSON.
        var schemaReply = false
        if case .jsonSchema? = responseFormat { schemaReply = true }
        let streamToStdout = !json && !schemaReply
        let printer = ReplyPrinter()
        let engine = ConversationEngine(store: store)
        let turn = Task {
            try await engine.send(text, to: target, using: backend, settings: settings) { event in
                printer.report(event, streamText: streamToStdout, fitting: "the conversation")
            }
        }
        let interrupt = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { turn.cancel() }
        let outcome = try await turn.value
        interrupt.stop()
        if streamToStdout { printer.finish() }

        if json {
            Console.out(try AskResultJSON(outcome, saved: store != nil).text() + "\n")
        } else if case .valid? = outcome.formatCheck {
            Console.out(outcome.reply.content.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
        }
        if let limit = ReplyNotes.tokenLimit(outcome.reply, maxTokens: settings.sampling.maxTokens) { Console.status(limit) }
        var invalid = false
        if case .invalid? = outcome.formatCheck { invalid = true }
        // The id of what this command created (a failure names it in its own line).
        if case .newConversation = target, outcome.failure == nil, !invalid {
            Console.status("saved as conversation \(outcome.conversation.id); continue it with 'parley ask -c ...'")
        }
        // The reply is out; the local model saves this conversation's state for `--continue`.
        await backend.finishBackgroundWork()
        if case .invalid(let problem)? = outcome.formatCheck {
            let kept = store != nil ? " (the reply as it came is kept in conversation \(outcome.conversation.id))" : ""
            Console.status(problem + kept)
            throw ExitCode(1)
        }
        if let failure = outcome.failure {
            var location = ""
            if store != nil {
                location = outcome.reply.content.isEmpty
                    ? " (your message is saved in conversation \(outcome.conversation.id))"
                    : " (the reply so far is saved in conversation \(outcome.conversation.id))"
            }
            Console.status(failure + location)
            throw ExitCode(outcome.reply.status == .interrupted && outcome.reply.finishReason == "cancelled" ? 130 : 1)
        }
    }
}

/// Streams reply text to stdout and ends it with exactly one newline.
final class ReplyPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var endsWithNewline = true
    private var wroteAnything = false

    func text(_ piece: String) {
        guard !piece.isEmpty else { return }
        lock.withLock {
            Console.out(piece)
            wroteAnything = true
            endsWithNewline = piece.hasSuffix("\n")
        }
    }

    func finish() {
        lock.withLock {
            if wroteAnything && !endsWithNewline { Console.out("\n") }
        }
    }

    /// Shows one engine event: reply text on stdout (when `streamText`), everything else on stderr.
    /// `fitting` names what was trimmed to fit the context ("the conversation", "the draft").
    func report(_ event: TurnEvent, streamText: Bool, fitting: String) {
        switch event {
        case .text(let piece):
            if streamText { text(piece) }
        case .notice(let notice), .safetyNotice(let notice):
            Console.status(notice)
        case .contextTrimmed(let dropped, let tokens, let size):
            Console.status("left the \(dropped) oldest messages out so \(fitting) fits the context (\(tokens) of \(size) tokens)")
        case .started, .reasoning:
            break
        }
    }
}

/// The object `ask --json` prints. Under a schema, a reply that validates is printed as the JSON
/// value itself, its keys in the order the model wrote them.
struct AskResultJSON: Encodable {
    var conversationId: String?
    var messageId: String
    var reply: String
    var reasoning: String?
    var status: String
    var finishReason: String?
    var error: String?
    var usage: TokenUsage?
    var backend: String?
    var model: String?

    init(_ outcome: TurnOutcome, saved: Bool) {
        conversationId = saved ? outcome.conversation.id : nil
        messageId = outcome.reply.id
        reply = outcome.reply.content
        reasoning = outcome.reply.reasoning
        status = outcome.reply.status.rawValue
        finishReason = outcome.reply.finishReason
        error = outcome.reply.error
        usage = outcome.reply.usage
        backend = outcome.reply.backend
        model = outcome.reply.model
        if case .valid(let value)? = outcome.formatCheck { structuredReply = value }
        if case .invalid(let problem)? = outcome.formatCheck { error = problem }
    }

    /// The parsed reply, when the turn had a schema and the reply validates.
    private var structuredReply: JSONValue?

    private enum CodingKeys: String, CodingKey {
        case conversationId, messageId, reply, reasoning, status, finishReason, error, usage, backend, model
    }

    /// The JSON text: Parley's usual conventions, with a structured reply put in as it was written.
    func text() throws -> String {
        let plain = try JSONOutput.encode(self)
        guard let structuredReply, case .object(var object) = try JSONValue.parse(plain) else { return plain }
        object["reply"] = structuredReply
        return JSONValue.object(object).prettyPrinted
    }
}
