/// The tokenizer facts a GGUF file carries in its `tokenizer.ggml.*` metadata, as plain values.
///
/// The GGUF reader fills one of these; `Tokenizer(_:)` turns it into a working tokenizer. Optional
/// values mean "the key was absent": the tokenizer then uses llama.cpp's defaults for the model kind.
public struct TokenizerConfiguration: Sendable {
    /// `tokenizer.ggml.model`: `gpt2` (byte-level BPE) or `llama` (SentencePiece).
    public var model: String
    /// `tokenizer.ggml.pre`: the BPE pre-tokenizer name (ignored for `llama`).
    public var pre: String?
    /// `tokenizer.ggml.tokens`.
    public var tokens: [String]
    /// `tokenizer.ggml.scores` (SentencePiece merge priorities; files storing them as INT32 are
    /// read as those integers converted to Float, as llama.cpp does).
    public var scores: [Float]?
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    public var tokenTypes: [Int32]?
    /// `tokenizer.ggml.merges`: "left right" pairs in rank order (BPE only).
    public var merges: [String]?
    public var bosID: Int32?
    public var eosID: Int32?
    /// `tokenizer.ggml.eot_token_id`; when absent, found by name (`<|eot_id|>`, `<|im_end|>`...).
    public var eotID: Int32?
    public var unknownID: Int32?
    public var paddingID: Int32?
    /// `tokenizer.ggml.add_bos_token`.
    public var addBOS: Bool?
    /// `tokenizer.ggml.add_eos_token`.
    public var addEOS: Bool?
    /// `tokenizer.ggml.add_space_prefix` (SentencePiece only).
    public var addSpacePrefix: Bool?
    /// `general.name`: llama.cpp gives some models' special tokens attributes by name (Phi-3's
    /// strip the whitespace after them).
    public var modelName: String?

    public init(
        model: String, pre: String? = nil, tokens: [String], scores: [Float]? = nil,
        tokenTypes: [Int32]? = nil, merges: [String]? = nil,
        bosID: Int32? = nil, eosID: Int32? = nil, eotID: Int32? = nil,
        unknownID: Int32? = nil, paddingID: Int32? = nil,
        addBOS: Bool? = nil, addEOS: Bool? = nil, addSpacePrefix: Bool? = nil, modelName: String? = nil
    ) {
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.bosID = bosID
        self.eosID = eosID
        self.eotID = eotID
        self.unknownID = unknownID
        self.paddingID = paddingID
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        self.modelName = modelName
    }
}

/// The two tokenizer families this runtime implements.
public enum TokenizerModelKind: String, Sendable {
    /// Byte-level BPE with merge ranks (`tokenizer.ggml.model = gpt2`).
    case bytePairEncoding = "gpt2"
    /// SentencePiece-style BPE with scores and `<0xXX>` byte fallback (`tokenizer.ggml.model = llama`).
    case sentencePiece = "llama"
}

/// What kind of token an id is, from `tokenizer.ggml.token_type` (llama.cpp's token attributes).
public struct TokenizerTokenAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let normal = TokenizerTokenAttributes(rawValue: 1 << 0)
    public static let unknown = TokenizerTokenAttributes(rawValue: 1 << 1)
    public static let control = TokenizerTokenAttributes(rawValue: 1 << 2)
    public static let userDefined = TokenizerTokenAttributes(rawValue: 1 << 3)
    public static let unused = TokenizerTokenAttributes(rawValue: 1 << 4)
    public static let byte = TokenizerTokenAttributes(rawValue: 1 << 5)
    public static let undefined = TokenizerTokenAttributes(rawValue: 1 << 6)
    /// Whitespace after the token in text is dropped when the token is recognised (llama.cpp's
    /// RSTRIP; set by model name, never by the file).
    public static let rightStrip = TokenizerTokenAttributes(rawValue: 1 << 7)

    /// The attributes for a GGUF token type code.
    public init(tokenType: Int32) {
        switch tokenType {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = .undefined
        }
    }
}
