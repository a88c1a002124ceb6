/// Which command a `SlashCommand` is, without its argument: the key of the requirements table
/// (`CommandRequirements`). The raw values are the names in `SlashCommand.catalogue`.
public enum SlashCommandKind: String, Sendable, CaseIterable {
    case new, title, persona, mode, backend, model, lora, system, schema, retry, edit, export, search, delete, copy
    case option, criterion, score, decide, outcome
    case write, version, diff, save
    case rate, prefer, ideal
    case image, open
    case think, help, quit
}

extension SlashCommand {
    public var kind: SlashCommandKind {
        switch self {
        case .new: return .new
        case .title: return .title
        case .persona: return .persona
        case .mode: return .mode
        case .backend: return .backend
        case .model: return .model
        case .lora: return .lora
        case .system: return .system
        case .schema: return .schema
        case .retry: return .retry
        case .edit: return .edit
        case .export: return .export
        case .search: return .search
        case .delete: return .delete
        case .copy: return .copy
        case .think: return .think
        case .help: return .help
        case .quit: return .quit
        case .decisionEdit(let edit):
            switch edit {
            case .addOption, .removeOption: return .option
            case .criterion, .removeCriterion: return .criterion
            case .score, .removeScore: return .score
            }
        case .decide: return .decide
        case .outcome: return .outcome
        case .write: return .write
        case .version: return .version
        case .diff: return .diff
        case .save: return .save
        case .rate: return .rate
        case .prefer: return .prefer
        case .ideal: return .ideal
        case .image: return .image
        case .open: return .open
        }
    }
}
