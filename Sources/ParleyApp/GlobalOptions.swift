import ArgumentParser
import Foundation
import ParleyConfig

/// Options every command takes: where data, config and extra personas live.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Data directory (conversations, models).", discussion: "Default: $PARLEY_HOME, else $XDG_DATA_HOME/parley (~/.local/share/parley).",
        valueName: "dir"))
    var storage: String?

    @Option(name: .long, help: ArgumentHelp(
        "Config file.", discussion: "Default: $PARLEY_CONFIG, else $XDG_CONFIG_HOME/parley/config.toml.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("An extra directory of persona files.", valueName: "dir"))
    var personas: String?

    /// An empty path given on purpose is a mistake to report, not a reason to fall back to the
    /// default silently (`--storage "$UNSET_VARIABLE"` would otherwise write somewhere unexpected).
    func validate() throws {
        for (name, value) in [("--storage", storage), ("--config", config), ("--personas", personas)] where value?.isEmpty == true {
            throw ValidationError("\(name) needs a path; an empty one was given")
        }
    }

    /// The data directory, resolved from the option, the environment and the XDG default.
    func storageDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let storage, !storage.isEmpty { return URL(fileURLWithPath: storage) }
        if let home = environment["PARLEY_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("parley")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/parley")
    }
}
