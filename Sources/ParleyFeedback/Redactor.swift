import Foundation

/// Replaces words the user names (`--redact WORD`) with `[redacted]`, case-insensitively.
///
/// A word's edge that is an ASCII letter or digit must meet a non-word character (or the end of
/// the text), so redacting "Ann" leaves "Annual" alone; an edge in another script matches
/// anywhere, since Chinese or Japanese text has no spaces between words.
public struct Redactor: Sendable {
    public static let replacement = "[redacted]"
    private let patterns: [NSRegularExpression]

    /// Throws nothing: every word is escaped; blank words are ignored.
    public init(words: [String]) {
        patterns = words.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .sorted { $0.count > $1.count }
            .compactMap { word in
                let escaped = NSRegularExpression.escapedPattern(for: word)
                let before = Redactor.isWordEdge(word.unicodeScalars.first) ? #"(?<![\p{L}\p{N}_])"# : ""
                let after = Redactor.isWordEdge(word.unicodeScalars.last) ? #"(?![\p{L}\p{N}_])"# : ""
                return try? NSRegularExpression(pattern: before + escaped + after, options: [.caseInsensitive])
            }
    }

    public var isEmpty: Bool { patterns.isEmpty }

    public func redact(_ text: String) -> String {
        patterns.reduce(text) { text, pattern in
            pattern.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text),
                withTemplate: NSRegularExpression.escapedTemplate(for: Redactor.replacement))
        }
    }

    private static func isWordEdge(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar, scalar.isASCII else { return false }
        return CharacterSet.alphanumerics.contains(scalar) || scalar == "_"
    }
}
