import ParleyCore

/// What a slash command needs of the screen before it may run. The reducer checks it once, before
/// dispatching the command, so every command is refused the same way for the same reason.
public struct CommandRequirements: Sendable, Equatable {
    /// No reply, decision flow or picture is running: the command would start a turn, change
    /// what the running one was started with, or change the conversation under it.
    public var idle = false
    /// The conversation may be changed (it is not read-only): the command writes to it or to
    /// what is stored with it (its decision, its feedback).
    public var writable = false
    /// The mode the conversation must be in, for a command that works on that mode's panel.
    public var mode: Mode?

    public init(idle: Bool = false, writable: Bool = false, mode: Mode? = nil) {
        self.idle = idle
        self.writable = writable
        self.mode = mode
    }

    /// The table: every command's requirements (the switch has no default, so a new command
    /// must be given its row).
    public static func of(_ kind: SlashCommandKind) -> CommandRequirements {
        switch kind {
        // Read or show only.
        case .export, .search, .copy, .think, .help, .quit, .open: return CommandRequirements()
        // Change what the next turn is sent with; the running one keeps what it started with.
        case .new, .backend, .model, .lora, .schema, .delete: return CommandRequirements(idle: true)
        // Change the stored conversation but not a turn.
        case .title, .persona: return CommandRequirements(writable: true)
        // Start a turn, or change the conversation a turn is reading.
        case .mode, .system, .retry, .edit, .image, .write, .rate, .prefer, .ideal: return CommandRequirements(idle: true, writable: true)
        case .option, .criterion, .score, .outcome: return CommandRequirements(writable: true, mode: .decide)
        case .decide: return CommandRequirements(idle: true, writable: true, mode: .decide)
        case .version, .diff, .save: return CommandRequirements(idle: true, mode: .write)
        }
    }

    /// Why the state does not meet these requirements, as the notice that says so (`command` is
    /// the command's name for it); nil when it does. The mode comes first (the command does not
    /// apply at all), then a running reply, then a read-only conversation.
    public func refusal(_ state: ChatState, command: String) -> ChatNotice? {
        if let mode, state.conversation.mode != mode { return CommandRequirements.wrongMode(mode, command: command) }
        if idle && state.isBusy { return ChatReducer.busyNotice }
        if writable && state.isReadOnly { return ChatReducer.readOnlyNotice }
        return nil
    }

    /// The refusal of a command that belongs to `mode`, naming the way into it.
    static func wrongMode(_ mode: Mode, command: String) -> ChatNotice {
        switch mode {
        // A draft command acts on the draft; the way to one is a template, whichever mode this is.
        case .write: return ChatNotice("no draft yet: /write TEMPLATE starts one", isError: true)
        default: return ChatNotice("/\(command) works in \(mode.rawValue) mode: /mode \(mode.rawValue) first", isError: true)
        }
    }
}
