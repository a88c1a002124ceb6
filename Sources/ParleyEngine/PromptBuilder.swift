import ParleyCore

/// Turns a stored conversation into the messages a backend is sent.
public enum PromptBuilder {
    /// System prompt first, then the few-shot examples, then the history. Stored system messages
    /// (from `/system`) stay where they are; empty or failed replies are left out because they carry
    /// nothing the model said.
    public static func messages(systemPrompt: String?, examples: [ChatMessage], history: [Message]) -> [ChatMessage] {
        var result: [ChatMessage] = []
        if let systemPrompt, !systemPrompt.isEmpty {
            result.append(ChatMessage(role: .system, content: systemPrompt))
        }
        result += examples
        for message in history {
            if message.role == .assistant && message.content.isEmpty { continue }
            result.append(ChatMessage(role: message.role, content: message.content))
        }
        return result
    }
}
