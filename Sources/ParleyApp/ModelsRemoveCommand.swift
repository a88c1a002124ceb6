import ArgumentParser
import Foundation
import ParleyModels

/// `parley models rm NAME`: deletes a local model (or an unfinished download) and its record.
struct ModelsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Delete a local model, or an unfinished download of one.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("A model name, file name or catalog name.", valueName: "name")) var name: String

    func run() async throws {
        let context = try AppContext(global: global)
        let removed = try ModelRegistry(storage: context.storageDirectory).remove(name)
        Console.status("removed " + removed.joined(separator: ", "))
    }
}
