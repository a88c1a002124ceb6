import ParleyCore

/// Brings a conversation read from an older schema up to the current one. Pure: value in, value
/// out. The file itself is rewritten only by the next change to it (reading never writes), so a
/// conversation that is only looked at stays readable by the Parley that wrote it.
public enum ConversationMigration {
    /// The conversation as the current schema has it.
    public static func upgrade(_ conversation: Conversation) -> Conversation {
        var upgraded = conversation
        if upgraded.schemaVersion < 2 { upgraded.messages = upgraded.messages.map(versionsOfSchemaOne) }
        upgraded.schemaVersion = max(upgraded.schemaVersion, Conversation.currentSchemaVersion)
        return upgraded
    }

    /// Schema 1 kept a regenerated reply's versions as bare texts. Schema 2 counts on the shown
    /// text being one of them (feedback addresses versions by number) and on knowing which older
    /// versions were cut short: the only trace schema 1 kept of a failed version is its empty text.
    static func versionsOfSchemaOne(_ message: Message) -> Message {
        guard message.role == .assistant, var versions = message.alternatives, !versions.isEmpty else { return message }
        var upgraded = message
        if !message.content.isEmpty && !versions.contains(message.content) { versions.append(message.content) }
        upgraded.alternatives = versions
        let unfinished = versions.indices.dropLast().filter { versions[$0].isEmpty }.map { $0 + 1 }
        upgraded.unfinishedVersions = unfinished.isEmpty ? nil : unfinished
        return upgraded
    }
}
