import Foundation
import ParleyCore

/// Prepares text a server sent (error messages, model names) for a one-line error message.
///
/// Server text is untrusted: it can hold terminal escape sequences, newlines, whole HTML pages, or
/// echo the API key back. It is flattened to one line, shortened, cleaned of anything a terminal
/// could act on, and any occurrence of the key is masked.
public enum ServerText {
    /// The longest piece of server text an error message quotes.
    public static let defaultLimit = 200

    public static func clean(_ text: String, limit: Int = defaultLimit, redacting secret: String? = nil) -> String {
        var text = text
        if let secret, secret.count >= 4 { text = text.replacingOccurrences(of: secret, with: "***") }
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        var flat = words.joined(separator: " ")
        if flat.count > limit {
            flat = String(flat.prefix(max(1, limit - 1))) + "…"
        }
        return TerminalSanitizer.sanitize(flat)
    }
}
