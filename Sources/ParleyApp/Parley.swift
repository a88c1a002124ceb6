import ArgumentParser
import Foundation
import ParleyCore

/// The root command: `parley` with no subcommand opens the chat screen.
public struct Parley: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "A terminal personal assistant: chat, decide and write with a local or remote model.",
        version: "0.1.0",
        subcommands: [
            ChatCommand.self, AskCommand.self, DecideCommand.self, WriteCommand.self, HistoryCommand.self, FeedbackCommand.self,
            ImageCommand.self, PersonasCommand.self, ModelsCommand.self, GGUFCommand.self, BenchCommand.self, CacheCommand.self,
        ],
        defaultSubcommand: ChatCommand.self)

    public init() {}

    /// Runs the command line. Errors the user can act on print as one line on stderr; help and
    /// usage errors are ArgumentParser's own.
    public static func runCommandLine() async {
        // A closed pipe must end a write with EPIPE, not kill the process mid-save.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as UserFacingError {
            Console.status(CommandAdvice.line(for: error))
            Foundation.exit(1)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error)
            }
            Console.status(message(for: error) + " (see 'parley --help')")
            Foundation.exit(code.rawValue)
        }
    }
}
