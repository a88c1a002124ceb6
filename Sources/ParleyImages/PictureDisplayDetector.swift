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
    ///   - deviceAttributes: the terminal's answer to DA1 (`ESC [ c`), when it was asked.
    public static func choose(
        flag: String?, config: String?, environment: [String: String], deviceAttributes: String? = nil
    ) throws -> PictureDisplay {
        let settings: [(String?, String)] = [(flag, "--images"), (environment["PARLEY_IMAGES"], "PARLEY_IMAGES"), (config, "image_display")]
        for (value, source) in settings {
            guard let value, !value.isEmpty else { continue }
            guard let mode = PictureDisplay(rawValue: value.lowercased()) else { throw UnknownMode(value: value, source: source) }
            return mode
        }
        return detect(environment: environment, deviceAttributes: deviceAttributes)
    }

    /// Whether asking the terminal (DA1) could change what `detect` says: only where the
    /// environment points to nothing better than half blocks, outside multiplexers.
    public static func worthAsking(environment: [String: String]) -> Bool {
        let override = [environment["PARLEY_IMAGES"]].compactMap { $0 }.contains { !$0.isEmpty }
        let term = environment["TERM"] ?? ""
        return !override && environment["TMUX"] == nil && !term.hasPrefix("screen") && !term.hasPrefix("tmux")
            && detect(environment: environment) == .halfblock
    }

    /// What the environment says, and then a DA1 answer listing sixel graphics (attribute 4)
    /// turns half blocks into sixel.
    public static func detect(environment: [String: String], deviceAttributes: String?) -> PictureDisplay {
        let found = detect(environment: environment)
        if found == .halfblock, environment["TMUX"] == nil, let deviceAttributes, sixelInDeviceAttributes(deviceAttributes) {
            return .sixel
        }
        return found
    }

    /// Reads a primary device attributes answer, `ESC [ ? 62 ; 4 ; 22 c`: true when one of its
    /// numbers is 4 (sixel graphics). Anything else, or no answer, is false.
    public static func sixelInDeviceAttributes(_ reply: String) -> Bool {
        guard let start = reply.range(of: "\u{1B}[?") else { return false }
        let rest = reply[start.upperBound...]
        guard let end = rest.firstIndex(of: "c") else { return false }
        let numbers = rest[..<end].split(separator: ";", omittingEmptySubsequences: false)
        guard numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        return numbers.contains("4")
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
