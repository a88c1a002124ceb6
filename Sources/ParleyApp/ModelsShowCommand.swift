import ArgumentParser
import Foundation
import ParleyModels

/// `parley models show NAME`: one local model in full.
struct ModelsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Describe one local model.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("A model name, file name or catalog name.", valueName: "name")) var name: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let context = try AppContext(global: global)
        let model = LocalModelInfo.inspect(try ModelRegistry(storage: context.storageDirectory).resolve(name))
        Console.out(json ? try JSONOutput.encode(model) + "\n" : ModelsText.details(model))
    }
}
