/// Why a tokenizer could not be built from a model's metadata. Each description is one line that
/// names the offending value and says what to do.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `tokenizer.ggml.model` names a tokenizer family this runtime does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a BPE pre-tokenizer this runtime does not implement.
    case unsupportedPreTokenizer(String)
    /// A BPE vocabulary came without its merge list.
    case missingMerges
    /// The token list is empty.
    case emptyVocabulary
    /// A per-token array (scores, token types) is shorter than the token list.
    case arrayTooShort(name: String, count: Int, expected: Int)

    public var description: String {
        switch self {
        case .unsupportedModel(let name):
            return "unsupported tokenizer model '\(name)' (supported: gpt2, llama); use a GGUF file with a BPE or SentencePiece vocabulary"
        case .unsupportedPreTokenizer(let name):
            return "unsupported BPE pre-tokenizer '\(name)' (supported: \(TokenizerError.supportedPreTokenizers)); use a GGUF file made for one of these"
        case .missingMerges:
            return "the GGUF file's BPE tokenizer has no merges (tokenizer.ggml.merges); the file is incomplete, re-download or re-convert it"
        case .emptyVocabulary:
            return "the GGUF file's tokenizer has no tokens (tokenizer.ggml.tokens); the file is incomplete, re-download or re-convert it"
        case .arrayTooShort(let name, let count, let expected):
            return "the GGUF file's \(name) has \(count) entries for \(expected) tokens; the file is damaged, re-download or re-convert it"
        }
    }

    static let supportedPreTokenizers = "default, smollm, starcoder, gpt-2, llama3, llama-bpe, qwen2 and their aliases"
}
