/// The JSONL layouts `parley feedback export` writes, each one a fine-tuning tool documents.
public enum FeedbackExportFormat: String, Sendable, CaseIterable {
    /// TRL, conversational language modelling: `{"messages": [...]}` ending in a good reply.
    case sft
    /// TRL, conversational preference: `{"prompt": [...], "chosen": [...], "rejected": [...]}`.
    case dpo
    /// TRL, conversational unpaired preference: `{"prompt": [...], "completion": [...], "label": bool}`.
    case kto
    /// OpenAI supervised fine-tuning: `{"messages": [...]}`, earlier replies with `"weight": 0`.
    case openaiSFT = "openai-sft"
    /// OpenAI preference fine-tuning: `{"input": {"messages": [...]}, "preferred_output": [...],
    /// "non_preferred_output": [...]}`.
    case openaiDPO = "openai-dpo"

    /// The columns every row of this format has, in the order the documentation lists them.
    public var columns: [String] {
        switch self {
        case .sft, .openaiSFT: return ["messages"]
        case .dpo: return ["prompt", "chosen", "rejected"]
        case .kto: return ["prompt", "completion", "label"]
        case .openaiDPO: return ["input", "preferred_output", "non_preferred_output"]
        }
    }
}
