import Foundation
import ParleyCore

/// Finds and reads the config file.
public enum ConfigLoader {
    public struct Loaded: Sendable {
        public var config: ParleyConfig
        /// The file read, or nil when none existed at the default place.
        public var file: String?
        /// Things the user should know (e.g. a key in a file others can read).
        public var warnings: [String]
    }

    /// The config path: `--config`, else `PARLEY_CONFIG`, else `$XDG_CONFIG_HOME/parley/config.toml`
    /// (`~/.config/parley/config.toml`). `explicit` is true when the user named the file, which then
    /// must exist.
    public static func location(option: String?, environment: [String: String]) -> (path: String, explicit: Bool) {
        if let option, !option.isEmpty { return (option, true) }
        if let path = environment["PARLEY_CONFIG"], !path.isEmpty { return (path, true) }
        return (configDirectory(environment: environment) + "/config.toml", false)
    }

    /// `$XDG_CONFIG_HOME/parley`, falling back to `~/.config/parley`.
    public static func configDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/parley" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/parley"
    }

    /// The largest config file read: a config is a few dozen lines.
    public static let maxFileBytes = 1 << 20

    public static func load(option: String?, environment: [String: String]) throws -> Loaded {
        let (path, explicit) = location(option: option, environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit { throw ConfigError.unreadable(file: path, reason: "no such file") }
            return Loaded(config: ParleyConfig(), file: nil, warnings: [])
        }
        let data: Data
        do {
            // A FIFO, a device or a huge file is refused without being read.
            data = try BoundedFile.read(path, limit: maxFileBytes)
        } catch {
            throw ConfigError.unreadable(file: path, reason: error.description)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.unreadable(file: path, reason: "not UTF-8 text")
        }
        let config = try ConfigParser(file: path).parse(text)
        var warnings: [String] = []
        let keyHolders = config.backends.values.filter { $0.apiKey != nil }.map(\.name).sorted()
        if !keyHolders.isEmpty, let mode = permissions(of: path), mode & 0o077 != 0 {
            warnings.append(
                "config file \(path) holds an API key (backends \(keyHolders.joined(separator: ", "))) and others can read it (mode \(String(mode, radix: 8))); run: chmod 600 \(path), or use api_key_env / api_key_cmd instead")
        }
        return Loaded(config: config, file: path, warnings: warnings)
    }

    static func permissions(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode) & 0o777
    }
}
