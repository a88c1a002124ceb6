import ArgumentParser
import Foundation

/// `parley models ...`: local models (pull, list, show, rm, the catalog) and a server's models.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Pull, list, inspect and remove local models; list what a server offers.",
        subcommands: [
            ModelsListCommand.self, ModelsPullCommand.self, ModelsCatalogCommand.self, ModelsShowCommand.self, ModelsRemoveCommand.self,
        ],
        defaultSubcommand: ModelsListCommand.self)
}
