import Foundation
import ParleyCore

/// One piece of feedback as `parley feedback list` shows it: where it is (`ID:N`, N counting the
/// conversation's replies from 1), what kind, on which version, and when.
public struct FeedbackEntry: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, CaseIterable, Encodable {
        case up, down, prefer, ideal
    }

    public var conversationId: String
    public var reply: Int
    public var messageId: String
    public var persona: String?
    public var model: String?
    public var kind: Kind
    public var version: Int
    public var note: String?
    /// The rated or chosen version's text, or the ideal answer.
    public var text: String
    public var givenAt: Date

    /// `ID:N`, the address `parley feedback rate|prefer|ideal` take.
    public var address: String { "\(conversationId):\(reply)" }

    /// Every piece of feedback in a conversation, reply by reply.
    public static func all(in conversation: Conversation, selection: FeedbackSelection = FeedbackSelection()) -> [FeedbackEntry] {
        var entries: [FeedbackEntry] = []
        for (number, index) in conversation.replyIndices.enumerated() {
            let reply = conversation.messages[index]
            guard let feedback = reply.feedback, selection.includes(reply, of: conversation) else { continue }
            let versions = reply.versions
            func entry(_ kind: Kind, _ version: Int, _ text: String, _ date: Date, note: String? = nil) -> FeedbackEntry {
                FeedbackEntry(
                    conversationId: conversation.id, reply: number + 1, messageId: reply.id, persona: conversation.persona,
                    model: reply.model, kind: kind, version: version, note: note, text: text, givenAt: date)
            }
            for rating in feedback.ratings where versions.indices.contains(rating.version - 1) {
                entries.append(entry(rating.rating == .up ? .up : .down, rating.version, versions[rating.version - 1], rating.ratedAt, note: rating.note))
            }
            if let preferred = feedback.preferredVersion, versions.indices.contains(preferred - 1) {
                entries.append(entry(.prefer, preferred, versions[preferred - 1], feedback.preferredAt ?? reply.createdAt))
            }
            if let ideal = feedback.ideal {
                entries.append(entry(.ideal, ideal.version, ideal.content, ideal.writtenAt))
            }
        }
        return entries
    }
}
