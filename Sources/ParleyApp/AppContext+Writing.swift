import Foundation
import ParleyConfig
import ParleyPersonas
import ParleyWrite

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

    /// The drafts (`<storage>/drafts/`); notices about unreadable files go to stderr.
    func openDrafts() throws -> DraftStore {
        try DraftStore(storage: storageDirectory, diagnostics: { Console.status($0) })
    }
}
