import ArgumentParser
import Foundation
import ParleyConfig
import ParleyCore
import ParleyHTTP
import ParleyModels

/// `parley models [list]`: the local models, then what each configured server offers. With
/// `--backend NAME` or `--base-url URL`, only that server's model names (as before).
struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the local models and the models of the configured servers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: BackendOptions
    @Flag(help: "Print JSON: an object with the local models and each server's names (an array of names with --backend/--base-url).")
    var json = false

    /// What `--json` prints without a backend named.
    struct Listing: Encodable {
        var local: [LocalModelInfo]
        var unfinished: [Unfinished]
        var servers: [Server]
    }

    struct Unfinished: Encodable {
        var file: String
        var bytes: Int64
    }

    struct Server: Encodable {
        var backend: String
        var models: [String]?
        var error: String?
    }

    func run() async throws {
        let context = try AppContext(global: global)
        if backendOptions.baseURL != nil || backendOptions.backend != nil {
            let config = backendOptions.backend.flatMap { try? context.config.backend(named: $0) }
            if config?.kind != .local {
                try await listServer(context)
                return
            }
        }
        let registry = ModelRegistry(storage: context.storageDirectory)
        let local = registry.modelFiles().map(LocalModelInfo.inspect)
        let unfinished = registry.partialDownloads().map { Unfinished(file: $0.fileName, bytes: $0.bytes) }
        var servers: [Server] = []
        for (name, backend) in context.config.backends.sorted(by: { $0.key < $1.key })
        where backend.kind == .openai && backend != ParleyConfig.builtInBackends[name] {
            var options = backendOptions
            options.backend = name
            do {
                guard let server = try BackendFactory(context: context).make(options) as? OpenAIBackend else { continue }
                servers.append(Server(backend: name, models: try await server.listModels(), error: nil))
            } catch {
                servers.append(Server(backend: name, models: nil, error: oneLineDescription(of: error)))
            }
        }
        if json {
            Console.out(try JSONOutput.encode(Listing(local: local, unfinished: unfinished, servers: servers)) + "\n")
            return
        }
        if local.isEmpty {
            Console.out("No local models in \(registry.directory.path). Pull the default with: parley models pull \(ModelCatalog.defaultName)\n")
        } else {
            Console.out(ModelsText.table(local))
        }
        for item in unfinished {
            Console.out("unfinished: \(item.file) (\(ModelsText.bytes(item.bytes)) so far; pull it again to resume, or 'parley models rm' it)\n")
        }
        for server in servers {
            Console.out("\nbackend \(server.backend):\n")
            if let models = server.models {
                Console.out(models.map { "  \($0)\n" }.joined())
            } else {
                Console.out("  (\(server.error ?? "no answer"))\n")
            }
        }
    }

    /// The names one OpenAI-compatible server offers, as `parley models` always printed them.
    private func listServer(_ context: AppContext) async throws {
        guard let backend = try BackendFactory(context: context).make(backendOptions) as? OpenAIBackend else {
            throw ValidationError("'models --backend' lists what an OpenAI-compatible server offers; that backend runs a local model")
        }
        let names = try await backend.listModels()
        if json {
            Console.out(try JSONOutput.encode(names) + "\n")
        } else {
            Console.out(names.map { $0 + "\n" }.joined())
        }
    }
}
