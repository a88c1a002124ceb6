import Foundation
import ParleyConfig
import ParleyCore
import ParleyStore

/// What a command needs from its surroundings, opened once: config, storage and environment.
struct AppContext {
    let environment: [String: String]
    let config: ParleyConfig
    let storageDirectory: URL

    init(global: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.environment = environment
        let loaded = try ConfigLoader.load(option: global.config, environment: environment)
        for warning in loaded.warnings { Console.status("warning: " + warning) }
        config = loaded.config
        storageDirectory = global.storageDirectory(environment: environment)
    }

    /// The conversation store; notices (quarantined files, recovered replies) go to stderr.
    func openStore() throws -> ConversationStore {
        try ConversationStore(root: storageDirectory, diagnostics: { Console.status($0) })
    }
}
