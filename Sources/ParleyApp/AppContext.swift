import ArgumentParser
import Foundation
import ParleyConfig
import ParleyCore
import ParleyPersonas
import ParleyStore

/// What a command needs from its surroundings, opened once: config, storage and environment.
struct AppContext {
    let environment: [String: String]
    let config: ParleyConfig
    let storageDirectory: URL
    let extraPersonaDirectory: String?

    init(global: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.environment = environment
        let loaded = try ConfigLoader.load(option: global.config, environment: environment)
        for warning in loaded.warnings { Console.status("warning: " + warning) }
        config = loaded.config
        storageDirectory = global.storageDirectory(environment: environment)
        extraPersonaDirectory = global.personas
    }

    /// Bundled personas, then the user's (`$XDG_CONFIG_HOME/parley/personas`), then `--personas DIR`.
    /// Files that cannot be read are named on stderr; the rest load.
    func loadPersonas() throws -> PersonaLibrary {
        var directories: [URL] = []
        if let bundled = PersonaLibrary.bundledDirectory(executable: URL(fileURLWithPath: CommandLine.arguments[0])) {
            directories.append(bundled)
        } else {
            Console.status("warning: the bundled personas were not found; using the built-in assistant")
        }
        directories.append(URL(fileURLWithPath: ConfigLoader.configDirectory(environment: environment)).appendingPathComponent("personas"))
        if let extra = extraPersonaDirectory {
            guard PersonaLibrary.isDirectory(URL(fileURLWithPath: extra)) else {
                throw ValidationError("--personas \(extra): no such directory")
            }
            directories.append(URL(fileURLWithPath: extra))
        }
        let library = PersonaLibrary(directories: directories)
        for problem in library.problems { Console.status("warning: " + problem) }
        return library
    }

    /// The conversation store; notices (quarantined files, recovered replies) go to stderr.
    func openStore() throws -> ConversationStore {
        try ConversationStore(root: storageDirectory, diagnostics: { Console.status($0) })
    }
}
