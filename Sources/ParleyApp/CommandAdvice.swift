import ParleyCore
import ParleyHTTP
import ParleyFeedback
import ParleyModels
import ParleyPersonas
import ParleyStore
import ParleyWrite

/// The command line's advice after a library's error: the libraries say what went wrong (they
/// serve the chat screen too, where other advice fits); this adds the command that helps.
enum CommandAdvice {
    /// The error's line with the advice that fits, if any.
    static func line(for error: Error) -> String {
        let text = oneLineDescription(of: error)
        guard let advice = advice(for: error) else { return text }
        return (text.hasSuffix(".") ? String(text.dropLast()) : text) + "; " + advice
    }

    static func advice(for error: Error) -> String? {
        switch error {
        case let error as StoreError:
            switch error {
            case .notFound, .unknownPrefix: return "run 'parley history list' to see the ids"
            case .notInTrash: return "run 'parley history trash' to see what is there"
            case .trashSlotTaken(let id): return "restore that one first ('parley history restore \(id)')"
            default: return nil
            }
        case let error as DocumentStoreError:
            guard case .unknown(let kind, _) = error else { return nil }
            switch kind {
            case "draft": return "run 'parley write drafts' to see the ids"
            case "decision": return "run 'parley decide list' to see the ids"
            default: return nil
            }
        case is TemplateLibrary.UnknownTemplate: return "see 'parley write list'"
        case is PersonaLibrary.UnknownPersona: return "see 'parley personas list'"
        case is ReplyAddress.Failure: return "see 'parley feedback list'"
        case ModelSpecError.empty:
            return "name one from 'parley models catalog', hf:OWNER/REPO[:QUANT] or an https:// URL of a .gguf file"
        case OutputFile.Failure.exists: return "use --force to replace it"
        case HTTPBackendError.noModels: return "set it in the config or with --model"
        case let error as ModelPullError:
            switch error {
            case .gaveUp, .interrupted: return "run the same command to resume"
            case .hashMismatch, .sizeMismatch: return "run the same command to download it again"
            case .alreadyInstalled: return "remove it first ('parley models rm NAME')"
            case .noSuchModel(_, let known) where known.isEmpty:
                return "pull one with 'parley models pull NAME' (see 'parley models catalog')"
            default: return nil
            }
        case is BackendFactory.RememberedBackendMissing:
            return "choose one with --backend NAME, --base-url URL or --gguf FILE"
        case is AskCommand.RememberedPersonaMissing:
            return "choose one with --persona NAME (see 'parley personas list')"
        default:
            return nil
        }
    }
}
