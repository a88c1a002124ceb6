import Foundation

/// Reads the API key from where the config says it is: an environment variable or a command.
///
/// The only place that ever holds the key as text besides the request header. Errors carry the
/// variable name or the command's exit status, never anything the command printed.
public struct APIKeyResolver: Sendable, CustomStringConvertible, CustomReflectable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The environment holds the key: never print or dump it.
    public var description: String { "APIKeyResolver(\(environment.count) environment variables)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// The key, or nil when none is configured or the variable is unset (local servers need none).
    public func resolve(_ source: APIKeySource) throws -> String? {
        switch source {
        case .none:
            return nil
        case .environment(let variable):
            guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty
            else { return nil }
            return value
        case .command(let command):
            return try run(command)
        }
    }

    /// How long `api_key_cmd` may run, in seconds.
    public static let commandTimeout = 10.0
    /// The most `api_key_cmd` may print: a key is a line, not megabytes.
    public static let commandOutputLimit = 64 << 10

    /// Runs the command with `/bin/sh -c`; the key is the first line of its standard output.
    /// Standard input and error stay the terminal's, so a password manager can prompt. It gets
    /// `commandTimeout` seconds and `commandOutputLimit` bytes (see `BoundedCommand`).
    private func run(_ command: String) throws -> String {
        let result: (output: Data, status: Int32)
        do {
            result = try BoundedCommand(
                command: command, environment: environment, timeout: Self.commandTimeout,
                outputLimit: Self.commandOutputLimit
            ).run()
        } catch .couldNotStart {
            throw HTTPBackendError.apiKeyCommandFailed(command: command, status: 127)
        } catch .timedOut {
            throw HTTPBackendError.apiKeyCommandTimedOut(command: command, seconds: Self.commandTimeout)
        } catch .tooMuchOutput {
            throw HTTPBackendError.apiKeyCommandTooLong(command: command, limit: Self.commandOutputLimit)
        }
        guard result.status == 0 else {
            throw HTTPBackendError.apiKeyCommandFailed(command: command, status: result.status)
        }
        let firstLine = String(decoding: result.output, as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !firstLine.isEmpty else { throw HTTPBackendError.apiKeyCommandEmpty(command: command) }
        return firstLine
    }
}
