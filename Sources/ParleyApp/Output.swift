import Foundation
import ParleyCore
import ParleyStore

/// JSON printed by commands: the same conventions as the files on disk.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        try ParleyJSON.string(value)
    }
}

/// A conversation in `history list --json`.
struct SummaryJSON: Encodable {
    var id: String
    var title: String
    var createdAt: Date
    var updatedAt: Date
    var messageCount: Int

    init(_ summary: ConversationSummary) {
        id = summary.id
        title = summary.title
        createdAt = summary.createdAt
        updatedAt = summary.updatedAt
        messageCount = summary.messageCount
    }
}

/// A match in `history search --json`.
struct SearchHitJSON: Encodable {
    var id: String
    var title: String
    var messageId: String?
    var snippet: String

    init(_ hit: SearchHit) {
        id = hit.conversation.id
        title = hit.conversation.title
        messageId = hit.messageID
        snippet = hit.snippet
    }
}

/// Human-readable listings.
enum HistoryText {
    static func table(_ summaries: [ConversationSummary]) -> String {
        if summaries.isEmpty { return "" }
        return summaries.map { s in
            let when = Date.ISO8601FormatStyle().format(s.updatedAt)
            return "\(s.id)  \(when)  \(String(format: "%4d", s.messageCount)) msgs  \(oneLine(s.title))"
        }.joined(separator: "\n") + "\n"
    }

    static func hits(_ hits: [SearchHit]) -> String {
        hits.map { "\($0.conversation.id)  \(oneLine($0.conversation.title))\n    \(oneLine($0.snippet))" }
            .joined(separator: "\n") + (hits.isEmpty ? "" : "\n")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
