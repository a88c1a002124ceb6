extension TokenizerConfiguration {
    /// The tokenizer a GGUF file describes in its `tokenizer.ggml.*` metadata.
    public init(metadata: GGUFMetadata) throws {
        guard let model = metadata.string("tokenizer.ggml.model") else {
            throw GGUFError.invalid("the file has no tokenizer (tokenizer.ggml.model is missing)")
        }
        guard let tokens = metadata.stringArray("tokenizer.ggml.tokens"), !tokens.isEmpty else {
            throw GGUFError.invalid("the file has no tokenizer vocabulary (tokenizer.ggml.tokens)")
        }
        self.init(
            model: model,
            pre: metadata.string("tokenizer.ggml.pre"),
            tokens: tokens,
            scores: metadata.floatArray("tokenizer.ggml.scores"),
            tokenTypes: metadata.int32Array("tokenizer.ggml.token_type"),
            merges: metadata.stringArray("tokenizer.ggml.merges"),
            bosID: metadata.int32("tokenizer.ggml.bos_token_id"),
            eosID: metadata.int32("tokenizer.ggml.eos_token_id"),
            eotID: metadata.int32("tokenizer.ggml.eot_token_id"),
            unknownID: metadata.int32("tokenizer.ggml.unknown_token_id"),
            paddingID: metadata.int32("tokenizer.ggml.padding_token_id"),
            addBOS: metadata.bool("tokenizer.ggml.add_bos_token"),
            addEOS: metadata.bool("tokenizer.ggml.add_eos_token"),
            addSpacePrefix: metadata.bool("tokenizer.ggml.add_space_prefix"),
            modelName: metadata.string("general.name"))
    }
}

extension Tokenizer {
    /// The tokenizer of a loaded GGUF file.
    public convenience init(file: GGUFFile) throws {
        try self.init(TokenizerConfiguration(metadata: file.metadata))
    }
}

extension ChatTemplate {
    /// The chat template a GGUF file names in `tokenizer.chat_template` (ChatML when absent or
    /// unknown; `isFallback` says so).
    public static func detect(in file: GGUFFile) -> ChatTemplate {
        detect(from: file.metadata.string("tokenizer.chat_template"))
    }
}
