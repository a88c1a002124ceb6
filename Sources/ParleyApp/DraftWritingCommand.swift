import ArgumentParser
import Foundation
import ParleyCore
import ParleyEngine
import ParleyPersonas
import ParleyWrite

/// A command that writes a version of a draft (`write new`, `write revise`): how it makes the
/// writer, runs the generation and reports what came of it.
protocol DraftWritingCommand {
    var global: GlobalOptions { get }
    var backendOptions: BackendOptions { get }
    var sampling: SamplingFlags { get }
    var draftOutput: DraftOutputOptions { get }
}

extension DraftWritingCommand {
    /// - Parameter continuing: the conversation a revision continues; it goes back to the backend
    ///   and model that conversation remembers unless the flags choose another.
    func makeWriter(_ context: AppContext, persona: Persona, drafts: DraftStore? = nil, continuing: String? = nil) throws -> DraftWriter {
        let noSave = draftOutput.noSave
        let looksBack = continuing != nil && !BackendFactory.choosesBackend(backendOptions)
        // Opened once: it serves both the remembered backend and the engine.
        let store = noSave && !looksBack ? nil : try context.openStore()
        let remembered = looksBack ? continuing.flatMap { id in try? store?.load(id: id).conversation.backend } : nil
        let factory = BackendFactory(context: context)
        let chosen = try factory.choose(backendOptions, preferred: persona.backend, remembered: remembered)
        let backend = try factory.make(chosen, backendOptions)
        let options = sampling.options(for: persona, defaults: context.config.sampling)
        let engine = ConversationEngine(store: noSave ? nil : store)
        return DraftWriter(
            engine: engine, backend: backend, persona: persona, sampling: options,
            drafts: noSave ? nil : try drafts ?? context.openDrafts(), backendChoice: chosen.choice)
    }

    /// Runs a generation, showing progress and notices on stderr and cancelling it on Ctrl-C
    /// (what arrived is kept).
    func generate(
        _ body: @escaping @Sendable (@escaping @Sendable (TurnEvent) -> Void) async throws -> DraftWriter.Result
    ) async throws -> DraftWriter.Result {
        let progress = DraftProgress(live: Console.stderrIsTerminal && !draftOutput.json)
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
    func finish(_ result: DraftWriter.Result, saved: Bool, revisedFrom previousCount: Int? = nil, maxTokens: Int?) throws {
        let (output, force, json) = (draftOutput.output, draftOutput.force, draftOutput.json)
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
            let hint = saved ? "revise with: parley write revise \(draft.id) \"shorter\"" : "not saved (--no-save)"
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
}
