import ParleyCore

/// Why the chat screen cannot start here, said as one line with what to do instead.
public enum TerminalFailure: UserFacingError, Equatable {
    case notATerminal
    case termUnset
    case unknownTerm(String)
    case locale(String)
    case cursesFailed(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "the chat screen needs a terminal, and standard input or output is not one; for scripts and pipes use: parley ask \"your question\""
        case .termUnset:
            return "TERM is not set, so the terminal's capabilities are unknown; set it (e.g. export TERM=xterm-256color) or use: parley ask"
        case .unknownTerm(let name):
            return "the terminal type '\(name)' (from TERM) is not in the terminfo database; set TERM to a known type such as xterm-256color, or use: parley ask"
        case .locale(let name):
            return "the locale '\(name)' is not UTF-8 and no UTF-8 locale is installed; set LANG=C.UTF-8 (or another UTF-8 locale)"
        case .cursesFailed(let what):
            return "the terminal could not be set up (\(what)); try another TERM or use: parley ask"
        }
    }
}
