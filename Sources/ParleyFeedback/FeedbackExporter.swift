import Foundation
import ParleyCore

/// Turns judged replies into the rows of one export format, and rows into JSONL. Pure.
public struct FeedbackExporter: Sendable {
    public var format: FeedbackExportFormat
    public var redactor: Redactor

    public init(format: FeedbackExportFormat, redacting words: [String] = []) {
        self.format = format
        self.redactor = Redactor(words: words)
    }

    /// The rows of every reply, in order: one per good answer (sft, openai-sft), one per pair
    /// (dpo, openai-dpo), one per judged answer, good ones first (kto).
    public func rows(for replies: [JudgedReply]) -> [FeedbackRow] {
        replies.flatMap(rows(for:))
    }

    public func rows(for reply: JudgedReply) -> [FeedbackRow] {
        let prompt = reply.prompt.map { FeedbackRow.RowMessage(role: $0.role, content: redactor.redact($0.content)) }
        func answer(_ text: String) -> [FeedbackRow.RowMessage] { [FeedbackRow.RowMessage(role: .assistant, content: redactor.redact(text))] }
        switch format {
        case .sft:
            return reply.good.map { .messages(prompt + answer($0)) }
        case .openaiSFT:
            // Earlier replies are context here, not what this row teaches.
            let context = prompt.map { $0.role == Role.assistant.rawValue ? FeedbackRow.RowMessage(role: .assistant, content: $0.content, weight: 0) : $0 }
            return reply.good.map { .messages(context + [FeedbackRow.RowMessage(role: .assistant, content: redactor.redact($0), weight: 1)]) }
        case .dpo:
            return reply.pairs.map { .preference(prompt: prompt, chosen: answer($0.chosen), rejected: answer($0.rejected)) }
        case .openaiDPO:
            return reply.pairs.map { .openAIPreference(input: prompt, preferred: answer($0.chosen), nonPreferred: answer($0.rejected)) }
        case .kto:
            return reply.good.map { .unpaired(prompt: prompt, completion: answer($0), label: true) }
                + reply.bad.map { .unpaired(prompt: prompt, completion: answer($0), label: false) }
        }
    }

    /// One compact JSON object a line, keys sorted, each line ending in a newline.
    public static func jsonLines(_ rows: [FeedbackRow]) throws -> Data {
        let encoder = ParleyJSON.encoder(pretty: false)
        var data = Data()
        for row in rows {
            data.append(try encoder.encode(row))
            data.append(0x0A)
        }
        return data
    }
}
