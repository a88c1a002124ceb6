import Foundation
import ParleyCore

/// Which feedback an export or listing takes: by persona, by model, by date. Empty takes all.
public struct FeedbackSelection: Sendable, Equatable {
    public var persona: String?
    public var model: String?
    /// Replies whose feedback was (last) given at or after this moment.
    public var since: Date?

    public init(persona: String? = nil, model: String? = nil, since: Date? = nil) {
        self.persona = persona
        self.model = model
        self.since = since
    }

    /// Whether this reply of this conversation is selected (persona and model compare without case).
    public func includes(_ reply: Message, of conversation: Conversation) -> Bool {
        if let persona, (conversation.persona ?? "").caseInsensitiveCompare(persona) != .orderedSame { return false }
        if let model, (reply.model ?? "").caseInsensitiveCompare(model) != .orderedSame { return false }
        if let since {
            guard let given = reply.feedback?.lastGivenAt, given >= since else { return false }
        }
        return true
    }

    /// Reads `--since`: a day (`2026-11-29`, midnight UTC) or a full ISO-8601 time.
    public static func parseDate(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 10, let day = Timestamp.parse(trimmed + "T00:00:00Z") { return day }
        return Timestamp.parse(trimmed)
    }
}

extension ReplyFeedback {
    /// When the newest piece of this feedback was given.
    public var lastGivenAt: Date? {
        (ratings.map(\.ratedAt) + [preferredAt, ideal?.writtenAt].compactMap { $0 }).max()
    }
}
