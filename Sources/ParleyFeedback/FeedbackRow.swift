import ParleyCore

/// One JSONL line of an export, in the shape its format documents. Encoded with sorted keys.
public enum FeedbackRow: Sendable, Equatable, Encodable {
    /// `sft`, `openai-sft`.
    case messages([RowMessage])
    /// `dpo`.
    case preference(prompt: [RowMessage], chosen: [RowMessage], rejected: [RowMessage])
    /// `kto`.
    case unpaired(prompt: [RowMessage], completion: [RowMessage], label: Bool)
    /// `openai-dpo`.
    case openAIPreference(input: [RowMessage], preferred: [RowMessage], nonPreferred: [RowMessage])

    /// A role and its text; `weight` only in OpenAI's chat format, where 0 keeps an earlier reply
    /// out of training and 1 trains on it.
    public struct RowMessage: Sendable, Equatable, Encodable {
        public var role: String
        public var content: String
        public var weight: Int?

        public init(role: Role, content: String, weight: Int? = nil) {
            self.role = role.rawValue
            self.content = content
            self.weight = weight
        }
    }

    private struct Input: Encodable { var messages: [RowMessage] }

    private enum Keys: String, CodingKey {
        case messages, prompt, chosen, rejected, completion, label, input
        case preferred = "preferred_output"
        case nonPreferred = "non_preferred_output"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .messages(let messages):
            try c.encode(messages, forKey: .messages)
        case .preference(let prompt, let chosen, let rejected):
            try c.encode(prompt, forKey: .prompt)
            try c.encode(chosen, forKey: .chosen)
            try c.encode(rejected, forKey: .rejected)
        case .unpaired(let prompt, let completion, let label):
            try c.encode(prompt, forKey: .prompt)
            try c.encode(completion, forKey: .completion)
            try c.encode(label, forKey: .label)
        case .openAIPreference(let input, let preferred, let nonPreferred):
            try c.encode(Input(messages: input), forKey: .input)
            try c.encode(preferred, forKey: .preferred)
            try c.encode(nonPreferred, forKey: .nonPreferred)
        }
    }
}
