import Foundation
import ParleyCore

/// The side file `conversations/<id>.inflight.json`: the latest checkpoint of a reply being
/// streamed. Small and independent of the conversation's length, so writing it often stays cheap.
struct InflightReply: Codable, Sendable, Equatable {
    var conversationID: String
    var messageID: String
    var content: String
    var reasoning: String?
    var pid: Int32
    var updatedAt: Date

    func encoded() throws -> Data {
        try ConversationCoding.makeEncoder(pretty: false).encode(self)
    }

    static func decode(_ data: Data) -> InflightReply? {
        try? ConversationCoding.makeDecoder().decode(InflightReply.self, from: data)
    }
}

/// How replies left half-written are folded into their conversation. Pure.
enum ReplyRecovery {
    static let interruptedNote = "The reply stopped early because Parley exited while it was arriving."

    /// Shows a live writer's latest checkpoint in memory; status stays `.streaming`.
    static func mergeLive(_ inflight: InflightReply, into conversation: inout Conversation) {
        guard let i = conversation.messages.firstIndex(where: { $0.id == inflight.messageID }),
            conversation.messages[i].status == .streaming
        else { return }
        conversation.messages[i].content = inflight.content
        if let reasoning = inflight.reasoning { conversation.messages[i].reasoning = reasoning }
    }

    /// Folds a dead writer's side file (if any) and marks every message still `.streaming` as
    /// `.interrupted`. Returns the ids of the messages it changed. A message that already reached
    /// another status keeps its stored content: the side file was then left over from `finish`.
    static func recoverDead(_ inflight: InflightReply?, in conversation: inout Conversation) -> [String] {
        var changed: [String] = []
        if let inflight {
            if let i = conversation.messages.firstIndex(where: { $0.id == inflight.messageID }) {
                if conversation.messages[i].status == .streaming {
                    conversation.messages[i].content = inflight.content
                    if let reasoning = inflight.reasoning { conversation.messages[i].reasoning = reasoning }
                }
            } else {
                conversation.messages.append(
                    Message(
                        id: inflight.messageID, role: .assistant, content: inflight.content,
                        createdAt: inflight.updatedAt, status: .streaming, reasoning: inflight.reasoning))
            }
        }
        for i in conversation.messages.indices where conversation.messages[i].status == .streaming {
            conversation.messages[i].status = .interrupted
            if conversation.messages[i].error == nil { conversation.messages[i].error = interruptedNote }
            changed.append(conversation.messages[i].id)
        }
        return changed
    }
}
