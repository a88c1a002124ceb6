import ArgumentParser
import Foundation
import ParleyModels

/// `parley models catalog`: the curated models `models pull NAME` takes.
struct ModelsCatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "List the curated models: architecture, size, licence, origin, SHA-256, whether they run here.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print a JSON array.") var json = false

    struct Entry: Encodable {
        var name, architecture, parameters, licence, origin, file, localFile: String
        var fileSize: Int64?
        var sha256: String?
        var runsToday, installed: Bool
    }

    func run() async throws {
        let context = try AppContext(global: global)
        let registry = ModelRegistry(storage: context.storageDirectory)
        let installed = Set(ModelCatalog.entries.filter { registry.installedFile(of: $0) != nil }.map(\.name))
        if json {
            let entries = ModelCatalog.entries.map {
                Entry(
                    name: $0.name, architecture: $0.architecture, parameters: $0.parameters, licence: $0.licence, origin: $0.origin,
                    file: $0.originFile, localFile: $0.fileName, fileSize: $0.fileSize, sha256: $0.sha256, runsToday: $0.runsToday,
                    installed: installed.contains($0.name))
            }
            Console.out(try JSONOutput.encode(entries) + "\n")
        } else {
            Console.out(ModelsText.catalog(ModelCatalog.entries, installed: installed))
        }
    }
}
