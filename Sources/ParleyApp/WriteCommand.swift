import ArgumentParser
import Foundation
import ParleyConfig
import ParleyCore
import ParleyEngine
import ParleyPersonas
import ParleyStore
import ParleyWrite

/// `parley write`: drafts from templates, revisions, versions and diffs, from the shell.
struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Draft documents, copy and code from templates; revise drafts and compare versions.",
        discussion: """
            Examples:
              parley write email --field to="my landlord" --field topic="the broken heater" --tone formal
              git diff --staged | parley write commit-message
              parley write slogan --field product="a reusable coffee cup" -o slogans.txt
              parley write --revise DRAFT_ID "make it shorter"
              parley write --versions DRAFT_ID        (list; add a number to print that version)
              parley write --diff DRAFT_ID 1 2        (default: the previous version against the current)

            The draft goes to stdout (or to -o FILE) once it has been checked; the draft's id and any \
            notes go to stderr. A draft that repeats the template's example, leaves out a value you gave \
            or misses the template's structure is written once more with another seed; a revision that \
            comes back unchanged (or not shorter, when asked) likewise, and if it still does, no version \
            is made. Piped standard input fills the template's multi-line field (diff, text, code, notes) \
            when it is the only one left empty. Every draft and its versions are kept under \
            <storage>/drafts/, and the exchanges show in 'parley history' as a write-mode conversation. \
            Templates: the bundled ones, then $XDG_CONFIG_HOME/parley/templates/, then the 'templates' \
            folder of --personas DIR.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: BackendOptions
    @OptionGroup var sampling: SamplingFlags

    @Argument(help: ArgumentHelp(
        "The template; with --revise, the change to make; with --diff, two version numbers; with --versions, a version to print.",
        valueName: "template"))
    var words: [String] = []

    @Option(name: .customLong("field"), help: ArgumentHelp(
        "A template field, NAME=VALUE (repeatable). NAME=- reads the value from standard input (so does piped input, for the one multi-line field left empty).",
        valueName: "name=value"))
    var fields: [String] = []
    @Option(help: ArgumentHelp("Tone: neutral, formal, friendly, persuasive or playful.", valueName: "tone")) var tone: String?
    @Option(help: ArgumentHelp("Length: short, medium or long.", valueName: "length")) var length: String?
    @Option(help: ArgumentHelp("Who will read it.", valueName: "text")) var audience: String?
    @Option(help: ArgumentHelp("The language to write in.", valueName: "name")) var language: String?
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the draft to this file instead of stdout.", valueName: "file"))
    var output: String?
    @Flag(help: "Let -o replace an existing file.") var force = false
    @Flag(help: "Print the draft record (or the listing) as JSON.") var json = false
    @Flag(name: .customLong("no-save"), help: "Keep neither the draft nor the conversation.") var noSave = false

    @Flag(help: "List the templates by kind.") var list = false
    @Option(help: ArgumentHelp("Show a template's fields and its filled instruction.", valueName: "template")) var show: String?
    @Flag(help: "List the stored drafts, newest first.") var drafts = false
    @Option(help: ArgumentHelp("Revise this draft (an id or a unique prefix) with the change given as arguments.", valueName: "draft"))
    var revise: String?
    @Option(help: ArgumentHelp("List this draft's versions, or print the version whose number follows.", valueName: "draft"))
    var versions: String?
    @Option(help: ArgumentHelp("Show a line diff between two of this draft's versions.", valueName: "draft")) var diff: String?

    func validate() throws {
        let actions = [list, show != nil, drafts, revise != nil, versions != nil, diff != nil].filter { $0 }.count
        if actions > 1 { throw ValidationError("give one of --list, --show, --drafts, --revise, --versions and --diff") }
        if actions == 0 && words.count != 1 {
            throw ValidationError(words.isEmpty
                ? "name a template (see 'parley write --list')"
                : "give one template name; field values go in --field NAME=VALUE")
        }
        if (list || drafts) && !words.isEmpty { throw ValidationError("--list and --drafts take no other arguments") }
        if show != nil && !words.isEmpty { throw ValidationError("--show takes the template name only") }
        if revise != nil && words.isEmpty { throw ValidationError("--revise: say what to change, e.g. \"make it shorter\"") }
        if versions != nil && words.count > 1 { throw ValidationError("--versions takes at most one version number") }
        if diff != nil && !(words.count == 0 || words.count == 2) { throw ValidationError("--diff takes two version numbers, or none") }
        if force && output == nil { throw ValidationError("--force only applies with -o FILE") }
        if let tone { _ = try WritingControls.tone(parsing: tone) }
        if let length { _ = try WritingControls.length(parsing: length) }
    }

    func run() async throws {
        let context = try AppContext(global: global)
        if list { return try listTemplates(context) }
        if let show { return try showTemplate(show, context) }
        if drafts { return try listDrafts(context) }
        if let versions { return try showVersions(versions, context) }
        if let diff { return try showDiff(diff, context) }
        if let revise { return try await reviseDraft(revise, context) }
        try await writeDraft(words[0], context)
    }

    // MARK: - Writing

    private func writeDraft(_ name: String, _ context: AppContext) async throws {
        let template = try context.loadTemplates().template(named: name)
        let values = try fieldValues(for: template, inputLimit: sampling.inputLimit(defaults: context.config.sampling))
        let filled = try TemplateFiller.fill(template, values: values, controls: try controls())
        if let output { try OutputFile.check(output, force: force) }
        let persona = try context.loadPersonas().persona(named: template.personaName)
        let writer = try makeWriter(context, persona: persona)
        let result = try await generate { onEvent in try await writer.start(filled, template: template, onEvent: onEvent) }
        try finish(result, saved: writer.drafts != nil, maxTokens: sampling.maxTokens ?? context.config.sampling.maxTokens)
    }

    private func reviseDraft(_ prefix: String, _ context: AppContext) async throws {
        let store = try openDrafts(context)
        let draft = try store.load(id: try store.resolve(prefix))
        if let output { try OutputFile.check(output, force: force) }
        // The template may have been removed since; then the revision is only checked for having changed.
        let template = try? context.loadTemplates().template(named: draft.template)
        let persona = try context.loadPersonas().persona(named: draft.revisionPersonaName(template: template))
        let writer = try makeWriter(context, persona: persona, drafts: store)
        let instruction = words.joined(separator: " ")
        let result = try await generate { onEvent in
            try await writer.revise(draft, template: template, instruction: instruction, onEvent: onEvent)
        }
        try finish(
            result, saved: writer.drafts != nil, revisedFrom: draft.versionCount,
            maxTokens: sampling.maxTokens ?? context.config.sampling.maxTokens)
    }

    private func makeWriter(_ context: AppContext, persona: Persona, drafts: DraftStore? = nil) throws -> DraftWriter {
        let backend = try BackendFactory(context: context).make(backendOptions, preferred: persona.backend)
        let options = sampling.options(for: persona, defaults: context.config.sampling)
        let engine = ConversationEngine(store: noSave ? nil : try context.openStore())
        return DraftWriter(
            engine: engine, backend: backend, persona: persona, sampling: options,
            drafts: noSave ? nil : try drafts ?? openDrafts(context))
    }

    /// Runs a generation, showing progress and notices on stderr and cancelling it on Ctrl-C
    /// (what arrived is kept).
    private func generate(
        _ body: @escaping @Sendable (@escaping @Sendable (TurnEvent) -> Void) async throws -> DraftWriter.Result
    ) async throws -> DraftWriter.Result {
        let progress = DraftProgress(live: Console.stderrIsTerminal && !json)
        let turn = Task { try await body { event in progress.report(event) } }
        let interrupt = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { turn.cancel() }
        defer { progress.finish() }
        let result = try await turn.value
        interrupt.stop()
        return result
    }

    /// Prints the draft (stdout, the file or the JSON), its notes and its id, and fails when the
    /// reply did or the revision made no version.
    /// `maxTokens` is the reply limit the user set (`--max-tokens`, the config's `max_tokens`).
    private func finish(_ result: DraftWriter.Result, saved: Bool, revisedFrom previousCount: Int? = nil, maxTokens: Int?) throws {
        let produced = result.draft.map { previousCount == nil || $0.versionCount > previousCount! } ?? false
        if let draft = result.draft, produced {
            if let output {
                try DraftFile.save(draft.current.text, to: output, overwrite: force)
            } else if json {
                Console.out(try JSONOutput.encode(draft) + "\n")
            } else {
                Console.out(draft.current.text + "\n")
            }
            for note in result.notes { Console.status("note: " + note) }
            // Under a limit the user set (the template's own, chosen by --length, is meant to cut).
            if let maxTokens, let limit = ReplyNotes.tokenLimit(result.outcome.reply, maxTokens: maxTokens) {
                Console.status(limit)
            }
            let place = output.map { "written to \($0)" }
            let hint = saved ? "revise with: parley write --revise \(draft.id) \"shorter\"" : "not saved (--no-save)"
            Console.status((["draft \(draft.id) version \(draft.currentNumber)", place, hint].compactMap { $0 }).joined(separator: "; "))
        }
        if result.refusal != nil, result.failure == nil {
            // The reason was shown as a notice while the revision ran.
            throw ExitCode(1)
        }
        if let failure = result.failure {
            let kept = produced && saved ? " (what arrived is kept as a version of the draft)" : ""
            Console.status(failure + kept)
            let cancelled = result.outcome.reply.status == .interrupted && result.outcome.reply.finishReason == "cancelled"
            throw ExitCode(cancelled ? 130 : 1)
        }
        if !produced {
            Console.status("the model returned no text; nothing was saved (try again, or another model)")
            throw ExitCode(1)
        }
    }

    // MARK: - Fields and controls

    /// `--field NAME=VALUE` pairs; `NAME=-` reads standard input (for one field only). Without
    /// one, piped standard input fills the template's only multi-line field left empty (`git diff |
    /// parley write commit-message`), as `ask` appends piped input to the prompt.
    private func fieldValues(for template: WritingTemplate, inputLimit: Int) throws -> [String: String] {
        var values = try fieldValues(inputLimit: inputLimit)
        let readsStdin = fields.contains { $0.hasSuffix("=-") }
        let open = template.fields.filter { field in
            field.multiline && (values[field.name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty
        }
        if !readsStdin, !Console.stdinIsTerminal, open.count == 1 {
            let input = try Console.readStandardInput(limit: inputLimit)
            if !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { values[open[0].name] = input }
        }
        return values
    }

    /// `--field NAME=VALUE` pairs as given; `NAME=-` reads standard input.
    private func fieldValues(inputLimit: Int) throws -> [String: String] {
        var values: [String: String] = [:]
        var readStdin = false
        for pair in fields {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--field '\(pair)': write it as NAME=VALUE")
            }
            let name = String(pair[..<equals])
            var value = String(pair[pair.index(after: equals)...])
            guard values[name] == nil else { throw ValidationError("--field \(name) is given twice") }
            if value == "-" {
                guard !readStdin else { throw ValidationError("only one --field can read standard input (NAME=-)") }
                readStdin = true
                if Console.stdinIsTerminal { Console.status("reading --field \(name) from standard input; end it with Ctrl-D") }
                value = try Console.readStandardInput(limit: inputLimit)
                guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw ValidationError("--field \(name)=-: standard input was empty")
                }
            }
            values[name] = value
        }
        return values
    }

    private func controls() throws -> WritingControls {
        WritingControls(
            tone: try tone.map(WritingControls.tone(parsing:)), length: try length.map(WritingControls.length(parsing:)),
            audience: audience, language: language)
    }

    // MARK: - Templates

    private func listTemplates(_ context: AppContext) throws {
        let library = try context.loadTemplates()
        if json {
            Console.out(try JSONOutput.encode(library.all.map(TemplateJSON.init)) + "\n")
            return
        }
        let width = library.all.map(\.name.count).max() ?? 0
        var out = ""
        for group in library.byKind {
            out += (out.isEmpty ? "" : "\n") + group.kind.title + "\n"
            for template in group.templates {
                out += "  " + template.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + template.description + "\n"
            }
        }
        if out.isEmpty { Console.status("no templates found") }
        Console.out(out)
    }

    private func showTemplate(_ name: String, _ context: AppContext) throws {
        let template = try context.loadTemplates().template(named: name)
        let values = try fieldValues(inputLimit: SizeLimits.defaultMaxInputBytes)
        if let unknown = values.keys.sorted().first(where: { template.field(named: $0) == nil }) {
            throw TemplateFillError.unknownFields(template: name, fields: [unknown], known: template.fields.map(\.name))
        }
        var out = "\(template.name) (\(template.kind.rawValue)) — \(template.description)\n"
        out += "persona \(template.personaName) · tone \(template.defaultTone.rawValue) · length \(template.defaultLength.rawValue)"
        out += " · from \(template.source ?? "built in")\n\nFields:\n"
        if template.fields.isEmpty { out += "  (none)\n" }
        for field in template.fields {
            let checked = field.mention == .all ? ", must appear" : field.mention == .any ? ", the draft is about it" : ""
            let tags = [field.required ? "required" : nil, field.multiline ? "multi-line" : nil].compactMap { $0 }.joined(separator: ", ") + checked
            var line = "  \(field.name)\(tags.isEmpty ? "" : " (\(tags.hasPrefix(", ") ? String(tags.dropFirst(2)) : tags))")  \(field.prompt)"
            if let value = field.defaultValue, !value.isEmpty { line += " [default: \(value)]" }
            if let example = field.example { line += " — e.g. \(example.split(whereSeparator: \.isNewline).first ?? "")" }
            out += line + "\n"
        }
        out += "  Controls on every template: --tone, --length, --audience, --language\n"
        let sample = Dictionary(uniqueKeysWithValues: template.fields.map { ($0.name, values[$0.name] ?? $0.defaultValue ?? $0.example ?? "") })
        if let shape = template.structure.summary(values: sample) {
            let how = template.structure.output == .json ? " (written as JSON, laid out by Parley)" : ""
            out += "\nDrafts have: \(shape)\(how)\n"
        }
        out += "\nInstruction (with example values where no --field is given):\n"
        out += TemplateFiller.preview(template, values: values, controls: try controls()) + "\n"
        if !template.examples.isEmpty { out += "\n(\(template.examples.count / 2) example exchange(s) are sent before it)\n" }
        Console.out(out)
    }

    // MARK: - Drafts

    private func openDrafts(_ context: AppContext) throws -> DraftStore {
        try DraftStore(storage: context.storageDirectory, diagnostics: { Console.status($0) })
    }

    private func listDrafts(_ context: AppContext) throws {
        let all = try openDrafts(context).list()
        if json {
            Console.out(try JSONOutput.encode(all) + "\n")
            return
        }
        Console.out(all.map { draft in
            let when = Date.ISO8601FormatStyle().format(draft.updatedAt)
            return "\(draft.id)  \(when)  \(String(format: "%2d", draft.versionCount)) \(draft.versionCount == 1 ? "version " : "versions")  \(Console.oneLine(draft.title))\n"
        }.joined())
    }

    private func showVersions(_ prefix: String, _ context: AppContext) throws {
        let store = try openDrafts(context)
        let draft = try store.load(id: try store.resolve(prefix))
        if let word = words.first {
            guard let number = Int(word) else { throw ValidationError("--versions: '\(word)' is not a version number") }
            let version = try draft.version(number)
            if json { Console.out(try JSONOutput.encode(version) + "\n") } else { Console.out(version.text + "\n") }
            return
        }
        if json {
            Console.out(try JSONOutput.encode(draft) + "\n")
            return
        }
        var out = "\(draft.id)  \(Console.oneLine(draft.title))\n"
        for (index, version) in draft.versions.enumerated() {
            let marker = index == draft.currentIndex ? "*" : " "
            let when = Date.ISO8601FormatStyle().format(version.createdAt)
            let by = [version.backend, version.model].compactMap { $0 }.joined(separator: "/")
            let status = version.status == .complete ? "" : " [\(version.status.rawValue)]"
            let what = index == 0 ? "from template \(draft.template)" : Console.oneLine(version.instruction)
            out += "\(marker)\(String(format: "%3d", index + 1))  \(when)  \(by.isEmpty ? "-" : by)  \(what)\(status)\n"
        }
        Console.out(out)
    }

    private func showDiff(_ prefix: String, _ context: AppContext) throws {
        let store = try openDrafts(context)
        let draft = try store.load(id: try store.resolve(prefix))
        let from: Int, to: Int
        if words.count == 2 {
            guard let a = Int(words[0]), let b = Int(words[1]) else { throw ValidationError("--diff: give two version numbers, e.g. 1 2") }
            (from, to) = (a, b)
        } else {
            guard draft.currentNumber > 1 else { throw ValidationError("draft \(draft.id) has only one version; there is nothing to compare") }
            (from, to) = (draft.currentNumber - 1, draft.currentNumber)
        }
        let lineDiff = try draft.diff(from: from, to: to)
        if json {
            struct DiffJSON: Encodable { var from: Int; var to: Int; var added: Int; var removed: Int; var unified: String }
            Console.out(try JSONOutput.encode(DiffJSON(
                from: from, to: to, added: lineDiff.added, removed: lineDiff.removed,
                unified: lineDiff.unified(fromLabel: "version \(from)", toLabel: "version \(to)"))) + "\n")
            return
        }
        if !lineDiff.hasChanges {
            Console.status("versions \(from) and \(to) are the same")
            return
        }
        Console.out(lineDiff.unified(fromLabel: "\(draft.id) version \(from)", toLabel: "\(draft.id) version \(to)"))
    }
}

/// A template in `write --list --json`.
struct TemplateJSON: Encodable {
    var name: String
    var kind: String
    var description: String
    var persona: String
    var tone: String
    var length: String
    var fields: [TemplateField]
    var source: String?

    init(_ template: WritingTemplate) {
        name = template.name
        kind = template.kind.rawValue
        description = template.description
        persona = template.personaName
        tone = template.defaultTone.rawValue
        length = template.defaultLength.rawValue
        fields = template.fields
        source = template.source
    }
}

extension AppContext {
    /// Bundled templates (the `templates/` folder of the bundled personas), then the user's
    /// (`$XDG_CONFIG_HOME/parley/templates`), then `--personas DIR`'s `templates/`. Files that
    /// cannot be read are named on stderr; the rest load.
    func loadTemplates() throws -> TemplateLibrary {
        let bundled = PersonaLibrary.bundledDirectory(executable: URL(fileURLWithPath: CommandLine.arguments[0]))
        if bundled == nil { Console.status("warning: the bundled templates were not found") }
        var extra: URL?
        if let extraPersonaDirectory {
            extra = URL(fileURLWithPath: extraPersonaDirectory)
            guard PersonaLibrary.isDirectory(extra!) else {
                throw ConfigError.unreadable(file: extraPersonaDirectory, reason: "--personas: no such directory")
            }
        }
        let directories = TemplateLibrary.directories(
            bundledPersonas: bundled, configDirectory: URL(fileURLWithPath: ConfigLoader.configDirectory(environment: environment)),
            extraPersonas: extra)
        let library = TemplateLibrary(directories: directories)
        for problem in library.problems { Console.status("warning: " + problem) }
        return library
    }
}
