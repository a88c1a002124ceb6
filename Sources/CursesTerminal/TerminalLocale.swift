import CNCursesW
import Foundation

/// The C library's locale, which curses uses to read and draw wide characters.
public enum TerminalLocale {
    /// What `prepare` did.
    public enum Outcome: Equatable, Sendable {
        case utf8
        /// The environment's locale was not UTF-8; C.UTF-8 is used instead (say so to the user).
        case fellBack(from: String)
    }

    /// Adopts the environment's locale; when it is not UTF-8 falls back to C.UTF-8, and when that
    /// is missing too, fails with a clear message (curses would otherwise draw wide glyphs as blanks
    /// and wedge on typed CJK).
    public static func prepare() throws -> Outcome {
        let chosen = setlocale(LC_ALL, "").map { String(cString: $0) }
        if isUTF8() { return .utf8 }
        let name = chosen ?? ProcessInfo.processInfo.environment["LANG"] ?? "C"
        for candidate in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_ALL, candidate) != nil {
            if isUTF8() { return .fellBack(from: name) }
        }
        throw TerminalFailure.locale(name)
    }

    static func isUTF8() -> Bool {
        guard let codeset = parley_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
