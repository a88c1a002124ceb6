import Foundation

/// Renders a conversation as text for people: a plain transcript for the terminal and Markdown for
/// export. Pure functions of the conversation.
public enum TranscriptFormatter {
    /// A plain transcript: a header, then each message under its role label. The caller sanitises
    /// it for a terminal.
    public static func plainText(_ conversation: Conversation) -> String {
        var out = "\(conversation.displayTitle)\n"
        out += "id \(conversation.id) · \(conversation.mode.rawValue)"
        if let persona = conversation.persona { out += " · persona \(persona)" }
        out += " · updated \(timestamp(conversation.updatedAt))\n"
        for message in conversation.messages {
            out += "\n\(label(message))\n"
            if !message.content.isEmpty { out += message.content + (message.content.hasSuffix("\n") ? "" : "\n") }
            if let error = message.error, message.status != .complete { out += "[\(error)]\n" }
        }
        return out
    }

    /// Markdown: a title, a metadata line, then one section per message. Reasoning, when a model
    /// sent some, is kept in a collapsed details block.
    public static func markdown(_ conversation: Conversation) -> String {
        var out = "# \(conversation.displayTitle)\n\n"
        var meta = ["id `\(conversation.id)`", "mode \(conversation.mode.rawValue)"]
        if let persona = conversation.persona { meta.append("persona \(persona)") }
        meta.append("created \(timestamp(conversation.createdAt))")
        meta.append("updated \(timestamp(conversation.updatedAt))")
        out += "_" + meta.joined(separator: " · ") + "_\n"
        for message in conversation.messages {
            out += "\n## \(label(message))\n\n"
            if let reasoning = message.reasoning, !reasoning.isEmpty {
                out += "<details><summary>Reasoning</summary>\n\n\(reasoning)\n\n</details>\n\n"
            }
            out += message.content.isEmpty ? "_(empty)_\n" : message.content + (message.content.hasSuffix("\n") ? "" : "\n")
            if let error = message.error, message.status != .complete { out += "\n> \(message.status.rawValue): \(error)\n" }
        }
        return out
    }

    static func label(_ message: Message) -> String {
        var label: String
        switch message.role {
        case .system: label = "System"
        case .user: label = "You"
        case .assistant: label = "Assistant"
        }
        if message.role == .assistant, let model = message.model, !model.isEmpty { label += " (\(model))" }
        if message.status != .complete { label += " [\(message.status.rawValue)]" }
        return label
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle().format(date)
    }
}
