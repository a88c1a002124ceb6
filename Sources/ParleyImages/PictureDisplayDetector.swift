import ParleyCore

/// Chooses how pictures are shown, from plain values: a command-line flag, then the
/// `PARLEY_IMAGES` environment variable, then the config file, then what the environment says
/// about the terminal.
public enum PictureDisplayDetector {
    public struct UnknownMode: UserFacingError {
        public let value: String
        public let source: String
        public var description: String { "\(source) must be one of \(PictureDisplay.names), not '\(value)'" }
    }

    /// - Parameters:
    ///   - flag: the command line's value, if given.
    ///   - config: the config file's `image_display`, if set.
    public static func choose(flag: String?, config: String?, environment: [String: String]) throws -> PictureDisplay {
        let settings: [(String?, String)] = [(flag, "--images"), (environment["PARLEY_IMAGES"], "PARLEY_IMAGES"), (config, "image_display")]
        for (value, source) in settings {
            guard let value, !value.isEmpty else { continue }
            guard let mode = PictureDisplay(rawValue: value.lowercased()) else { throw UnknownMode(value: value, source: source) }
            return mode
        }
        return detect(environment: environment)
    }

    /// What the terminal probably supports. Only variables terminals set themselves are read;
    /// nothing is asked of the terminal (an answer would arrive on stdin, mixed with typing).
    public static func detect(environment: [String: String]) -> PictureDisplay {
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if term.isEmpty || term == "dumb" { return .off }
        // tmux and screen drop graphics escapes unless passthrough is set up, and then place
        // them wrongly when panes scroll: cells are the one route that survives a multiplexer.
        if environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") { return .halfblock }
        if !(environment["KITTY_WINDOW_ID"] ?? "").isEmpty || term == "xterm-kitty" { return .kitty }
        if program == "ghostty" || term == "xterm-ghostty" { return .kitty }
        if program == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm }
        if program == "WezTerm" || program == "mintty" { return .iterm }
        if term.contains("sixel") || term.hasPrefix("foot") || term.hasPrefix("mlterm") || term.hasPrefix("yaft") { return .sixel }
        return .halfblock
    }

    /// Whether the terminal takes 24-bit colour escapes (`COLORTERM`, which terminals set).
    public static func hasTrueColor(environment: [String: String]) -> Bool {
        let value = (environment["COLORTERM"] ?? "").lowercased()
        return value == "truecolor" || value == "24bit"
    }
}
