import ParleyCore

/// Problems with the config file. Each names the file and, where there is one, the key.
public enum ConfigError: UserFacingError, Equatable {
    case unreadable(file: String, reason: String)
    case syntax(file: String, line: Int, column: Int, message: String)
    case invalid(file: String, key: String, problem: String)
    case unknownBackend(name: String, known: [String])

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "cannot read config file \(file): \(reason)"
        case .syntax(let file, let line, let column, let message):
            return "config file \(file), line \(line), column \(column): \(message)"
        case .invalid(let file, let key, let problem):
            return "config file \(file): \(key): \(problem)"
        case .unknownBackend(let name, let known):
            return "unknown backend '\(name)'; known backends: \(known.joined(separator: ", ")) (add [backends.\(name)] to the config file)"
        }
    }
}
