import Foundation

/// A short one-line excerpt around a match, for search results. Pure.
enum SearchSnippet {
    static func make(
        _ text: String, around range: Range<String.Index>, before: Int = 30, after: Int = 50
    ) -> String {
        let start = text.index(range.lowerBound, offsetBy: -before, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(range.upperBound, offsetBy: after, limitedBy: text.endIndex) ?? text.endIndex
        let words = text[start..<end].split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        var snippet = words.joined(separator: " ")
        if start > text.startIndex { snippet = "…" + snippet }
        if end < text.endIndex { snippet += "…" }
        return snippet
    }
}
