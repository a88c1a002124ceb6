import ArgumentParser
import Foundation
import ParleyCore
import ParleyHTTP

/// `parley models`: what an OpenAI-compatible endpoint offers.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models an OpenAI-compatible backend offers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backendOptions: BackendOptions
    @Flag(help: "Print a JSON array of model names.") var json = false

    func run() async throws {
        let context = try AppContext(global: global)
        guard let backend = try BackendFactory(context: context).make(backendOptions) as? OpenAIBackend else {
            throw ValidationError("'models' lists what an OpenAI-compatible server offers; choose one with --backend NAME or --base-url URL")
        }
        let names = try await backend.listModels()
        if json {
            Console.out(try JSONOutput.encode(names) + "\n")
        } else {
            Console.out(names.map { $0 + "\n" }.joined())
        }
    }
}
