/// Text to token ids and back, for the vocabulary a GGUF file carries, with the same results as
/// llama.cpp's tokenizer.
///
/// Pure and immutable: build it once from the metadata values and share it across threads.
/// Special tokens (control, unknown) are recognised in text only when asked (`parseSpecial`), so
/// what a user typed can be encoded without letting `<|im_start|>` become a real control token.
public final class Tokenizer: Sendable {
    public let kind: TokenizerModelKind
    /// The BPE pre-tokenizer in use (nil for SentencePiece).
    public let preTokenizer: PreTokenizer?
    /// True when the file named no pre-tokenizer and `default` was used, as llama.cpp does (it
    /// warns that quality may suffer). An unknown name is an error instead.
    public let preTokenizerFellBackToDefault: Bool
    public let bosID: Int32?
    public let eosID: Int32?
    /// End-of-turn token: from the metadata, or the lowest id named like one (`<|im_end|>`...).
    public let eotID: Int32?
    public let unknownID: Int32?
    public let paddingID: Int32?
    /// Whether `encode(..., addSpecial: true)` puts BOS first / EOS last.
    public let addBOS: Bool
    public let addEOS: Bool
    /// SentencePiece: a space is put before text at the start and after each special token.
    public let addSpacePrefix: Bool
    /// Every id that ends generation: EOS, EOT, and tokens named like end markers
    /// (`<|im_end|>`, `<|eot_id|>`, `<|endoftext|>`, `</s>`, ...), as llama.cpp's EOG list.
    public let endOfGenerationIDs: Set<Int32>
    /// Per-token attributes, after marking end-of-generation tokens as control like llama.cpp.
    public let attributes: [TokenizerTokenAttributes]

    private let tokenStrings: [String]
    private let tokenIDs: [[UInt8]: Int32]
    private let specialTokensLongestFirst: [Int32]
    /// Whether any token has `.rightStrip`.
    private let stripsAfterTokens: Bool
    private let tokenBytes: [[UInt8]]
    private let decodedPieces: [[UInt8]]
    private let mergeTable: BPEMergeTable?
    private let singleByteTokens: [Int32]
    private let ignoreMerges: Bool
    private let sentencePiece: SentencePieceEncoder?
    /// The byte trie grammars walk, built on first use (see `grammarVocabulary`).
    let grammarVocabularySlot = GrammarVocabularySlot()

    public var vocabularySize: Int { tokenStrings.count }

    /// Builds the tokenizer. Throws for a model kind or pre-tokenizer that is not implemented,
    /// and for inconsistent arrays.
    public init(_ configuration: TokenizerConfiguration) throws {
        let tokens = configuration.tokens
        guard !tokens.isEmpty else { throw TokenizerError.emptyVocabulary }
        guard let kind = TokenizerModelKind(rawValue: configuration.model) else {
            throw TokenizerError.unsupportedModel(configuration.model)
        }
        let count = tokens.count
        if let scores = configuration.scores, scores.count < count {
            throw TokenizerError.arrayTooShort(name: "tokenizer.ggml.scores", count: scores.count, expected: count)
        }
        if let types = configuration.tokenTypes, types.count < count {
            throw TokenizerError.arrayTooShort(name: "tokenizer.ggml.token_type", count: types.count, expected: count)
        }
        self.kind = kind

        var bytes: [[UInt8]] = []
        bytes.reserveCapacity(count)
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(count)
        for (index, token) in tokens.enumerated() {
            // llama.cpp renames empty tokens so they can never match.
            let text = token.isEmpty ? Array("[EMPTY_\(index)]".utf8) : Array(token.utf8)
            bytes.append(text)
            ids[text] = Int32(index)  // a later duplicate wins, as in llama.cpp
        }
        self.tokenBytes = bytes
        self.tokenIDs = ids
        self.tokenStrings = tokens

        var attributes = (0..<count).map { index in
            configuration.tokenTypes.map { TokenizerTokenAttributes(tokenType: $0[index]) } ?? .normal
        }

        func valid(_ id: Int32?) -> Int32? {
            guard let id, id >= 0, Int(id) < count else { return nil }
            return id
        }

        // Per-kind defaults (llama.cpp's), then the metadata's own values.
        var preTokenizer: PreTokenizer?
        var fellBack = false
        var ignoreMerges = false
        var defaultAddBOS = false
        switch kind {
        case .bytePairEncoding:
            let name = configuration.pre ?? ""
            if name.isEmpty {
                preTokenizer = .default
                fellBack = true
            } else if let named = PreTokenizer.named(name) {
                preTokenizer = named
                if ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral"].contains(name) {
                    ignoreMerges = true
                    defaultAddBOS = true
                }
            } else {
                throw TokenizerError.unsupportedPreTokenizer(name)
            }
            guard let merges = configuration.merges else { throw TokenizerError.missingMerges }
            self.mergeTable = BPEMergeTable(merges: merges, tokenIDs: ids, vocabularyCount: count)
            self.bosID = valid(configuration.bosID)
            self.eosID = valid(configuration.eosID)
            self.unknownID = valid(configuration.unknownID)
            self.sentencePiece = nil
        case .sentencePiece:
            defaultAddBOS = true
            self.mergeTable = nil
            self.bosID = valid(configuration.bosID ?? 1)
            self.eosID = valid(configuration.eosID ?? 2)
            self.unknownID = valid(configuration.unknownID ?? 0)
            var byteTokens = [Int32](repeating: -1, count: 256)
            let hex = Array("0123456789ABCDEF".utf8)
            for byte in 0..<256 {
                let name: [UInt8] = [0x3C, 0x30, 0x78, hex[byte >> 4], hex[byte & 15], 0x3E]  // <0xXX>
                byteTokens[byte] = ids[name] ?? ids[[UInt8(byte)]] ?? -1
            }
            self.sentencePiece = SentencePieceEncoder(
                tokenIDs: ids, scores: configuration.scores ?? [Float](repeating: 0, count: count),
                byteTokens: byteTokens, unknownToken: valid(configuration.unknownID ?? 0))
        }
        self.preTokenizer = preTokenizer
        self.preTokenizerFellBackToDefault = fellBack
        self.ignoreMerges = ignoreMerges
        self.paddingID = valid(configuration.paddingID)
        self.addBOS = configuration.addBOS ?? defaultAddBOS
        self.addEOS = configuration.addEOS ?? false
        self.addSpacePrefix = kind == .sentencePiece ? (configuration.addSpacePrefix ?? true) : false
        self.singleByteTokens = (0..<256).map { ids[[UInt8($0)]] ?? -1 }

        // End-of-turn and end-of-generation tokens found by name, marked control (llama.cpp does
        // the same so that they are never produced from plain text).
        var eot = valid(configuration.eotID)
        var endOfGeneration = Set<Int32>()
        var fillInTheMiddleKindsSeen = Set<Int>()
        for (index, token) in tokens.enumerated() {
            // Every name looked for starts with "<", "[" or "_": skip the rest cheaply.
            guard let first = bytes[index].first, first == 0x3C || first == 0x5B || first == 0x5F else { continue }
            if eot == nil && Self.endOfTurnNames.contains(token) {
                eot = Int32(index)
                attributes[index].insert(.control)
            }
            if Self.endOfGenerationNames.contains(token) {
                endOfGeneration.insert(Int32(index))
                attributes[index].insert(.control)
            }
            // llama.cpp also stops at the fill-in-the-middle pad / repository / file separator
            // tokens (one of each kind, found by name).
            if let kind = Self.fillInTheMiddleStopNames.firstIndex(where: { $0.contains(token) }),
               fillInTheMiddleKindsSeen.insert(kind).inserted {
                endOfGeneration.insert(Int32(index))
                attributes[index].insert(.control)
            }
        }
        if let eos = self.eosID { endOfGeneration.insert(eos) }
        if let eot { endOfGeneration.insert(eot) }
        self.eotID = eot
        self.endOfGenerationIDs = endOfGeneration

        let special = (0..<count).filter { !attributes[$0].isDisjoint(with: [.control, .userDefined, .unknown]) }
        // Phi-3 (by name, as llama.cpp): its special tokens swallow the whitespace after them, so
        // the template's "<|user|>\n" is the bare token. llama.cpp fails to load a vocabulary
        // without these four names; here a missing one is skipped.
        let name = configuration.modelName?.lowercased() ?? ""
        if name.contains("phi-3") || name.contains("phi3") {
            for index in special { attributes[index].insert(.rightStrip) }
            if let id = ids[Array("</s>".utf8)] { attributes[Int(id)].insert(.rightStrip) }
            for token in ["<unk>", "<s>", "<|endoftext|>"] {
                if let id = ids[Array(token.utf8)] { attributes[Int(id)].remove(.rightStrip) }
            }
        }
        self.attributes = attributes
        self.stripsAfterTokens = attributes.contains { $0.contains(.rightStrip) }

        self.specialTokensLongestFirst = special
            .map { Int32($0) }
            .sorted { bytes[Int($0)].count > bytes[Int($1)].count || (bytes[Int($0)].count == bytes[Int($1)].count && $0 < $1) }

        self.decodedPieces = (0..<count).map { index in
            Self.decodePiece(bytes[index], attributes: attributes[index], kind: kind)
        }
    }

    static let endOfTurnNames: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "<EOT>", "_<EOT>", "<end_of_utterance>",
    ]
    static let endOfGenerationNames: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>",
        "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
    ]

    static let fillInTheMiddleStopNames: [Set<String>] = [
        ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"],
        ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"],
        ["<|file_sep|>"],
    ]

    // MARK: - Encoding

    /// Encodes text. `parseSpecial`: recognise control tokens written in the text (only for
    /// text the program itself wrote, such as a chat template). `addSpecial`: add BOS/EOS as the
    /// model asks (`addBOS`, `addEOS`).
    public func encode(_ text: String, parseSpecial: Bool, addSpecial: Bool = false) -> [Int32] {
        encode(fragments: partition(Array(text.utf8), parseSpecial: parseSpecial), addSpecial: addSpecial)
    }

    /// Encodes a rendered chat template: special tokens are recognised only in segments marked
    /// special; plain neighbouring segments are tokenized as one text, so the result equals
    /// encoding the whole string with special parsing whenever the user's text holds no
    /// special-token look-alikes.
    public func encode(segments: [ChatTemplateSegment], addSpecial: Bool = false) -> [Int32] {
        var fragments: [TokenizerFragment] = []
        for segment in segments where !segment.text.isEmpty {
            for fragment in partition(Array(segment.text.utf8), parseSpecial: segment.isSpecial) {
                if case .text(let more) = fragment, case .text(let existing)? = fragments.last {
                    fragments[fragments.count - 1] = .text(existing + more)
                } else {
                    fragments.append(fragment)
                }
            }
        }
        return encode(fragments: fragments, addSpecial: addSpecial)
    }

    /// Splits text at special tokens, longest token first, as llama.cpp's
    /// `tokenizer_st_partition`: each special token in turn cuts every remaining text fragment at
    /// its occurrences. Without `parseSpecial`, only user-defined tokens cut.
    func partition(_ bytes: [UInt8], parseSpecial: Bool) -> [TokenizerFragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [PartitionFragment] = [.text(0..<bytes.count)]
        bytes.withUnsafeBufferPointer { text in
            for special in specialTokensLongestFirst {
                let attributes = self.attributes[Int(special)]
                if !parseSpecial && !attributes.isDisjoint(with: [.control, .unknown]) { continue }
                let needle = tokenBytes[Int(special)]
                var result: [PartitionFragment] = []
                var changed = false
                for fragment in fragments {
                    guard case .text(let range) = fragment else {
                        result.append(fragment)
                        continue
                    }
                    var from = range.lowerBound
                    while let match = Self.find(needle, in: text, from: from, to: range.upperBound) {
                        changed = true
                        if match > from { result.append(.text(from..<match)) }
                        result.append(.token(special))
                        from = match + needle.count
                    }
                    if from < range.upperBound { result.append(.text(from..<range.upperBound)) }
                }
                if changed { fragments = result }
            }
        }
        return fragments.map { fragment in
            switch fragment {
            case .text(let range): return .text(Array(bytes[range]))
            case .token(let id): return .token(id)
            }
        }
    }

    /// Drops the whitespace (C `isspace`) after each right-stripping token, up to the next other
    /// byte or token, as llama.cpp's partition does with the text to the right of such a token.
    func strippingAfterTokens(_ fragments: [TokenizerFragment]) -> [TokenizerFragment] {
        guard stripsAfterTokens else { return fragments }
        var result: [TokenizerFragment] = []
        var stripping = false
        for fragment in fragments {
            switch fragment {
            case .text(let bytes):
                var text = bytes[...]
                if stripping {
                    while let first = text.first, [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(first) { text = text.dropFirst() }
                    stripping = text.isEmpty
                }
                if !text.isEmpty { result.append(.text(Array(text))) }
            case .token(let id):
                result.append(fragment)
                stripping = attributes[Int(id)].contains(.rightStrip)
            }
        }
        return result
    }

    private enum PartitionFragment {
        case text(Range<Int>)
        case token(Int32)
    }

    private static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        guard let first = needle.first, end - from >= needle.count else { return nil }
        let last = end - needle.count
        var i = from
        while i <= last {
            if text[i] == first {
                var j = 1
                while j < needle.count && text[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    private func encode(fragments: [TokenizerFragment], addSpecial: Bool) -> [Int32] {
        let fragments = strippingAfterTokens(fragments)
        var output: [Int32] = []
        if addSpecial && addBOS, let bosID { output.append(bosID) }
        switch kind {
        case .bytePairEncoding:
            var session = BPEEncodingSession(tokenizer: self)
            for fragment in fragments {
                switch fragment {
                case .text(let bytes): session.encode(bytes, into: &output)
                case .token(let id): output.append(id)
                }
            }
        case .sentencePiece:
            var previousWasSpecial = true
            for fragment in fragments {
                switch fragment {
                case .text(let bytes):
                    var text: [UInt8] = []
                    text.reserveCapacity(bytes.count + 8)
                    if addSpacePrefix && previousWasSpecial { text.append(contentsOf: [0xE2, 0x96, 0x81]) }
                    for byte in bytes {
                        if byte == 0x20 { text.append(contentsOf: [0xE2, 0x96, 0x81]) } else { text.append(byte) }
                    }
                    sentencePiece?.encode(text, into: &output)
                    previousWasSpecial = false
                case .token(let id):
                    output.append(id)
                    previousWasSpecial = true
                }
            }
        }
        if addSpecial && addEOS, let eosID { output.append(eosID) }
        return output
    }

    /// State for one BPE encode call: scratch buffers and a cache of words already encoded.
    private struct BPEEncodingSession {
        let tokenizer: Tokenizer
        var words: BPEWordEncoder
        var cache: [[UInt8]: [Int32]] = [:]

        init(tokenizer: Tokenizer) {
            self.tokenizer = tokenizer
            self.words = BPEWordEncoder(table: tokenizer.mergeTable!, singleByteTokens: tokenizer.singleByteTokens)
        }

        mutating func encode(_ bytes: [UInt8], into output: inout [Int32]) {
            let (codepoints, offsets) = Self.decodeUTF8(bytes)
            let wordRanges = tokenizer.preTokenizer!.split(codepoints)
            bytes.withUnsafeBufferPointer { buffer in
                for range in wordRanges {
                    let from = offsets[range.lowerBound], to = offsets[range.upperBound]
                    let word = Array(buffer[from..<to])
                    if let cached = cache[word] {
                        output.append(contentsOf: cached)
                        continue
                    }
                    var ids: [Int32] = []
                    if tokenizer.ignoreMerges, let whole = tokenizer.tokenIDs[Self.byteLevelSpelling(word)] {
                        ids.append(whole)
                    } else {
                        words.encode(UnsafeBufferPointer(rebasing: buffer[from..<to]), into: &ids)
                    }
                    if cache.count < 65536 { cache[word] = ids }
                    output.append(contentsOf: ids)
                }
            }
        }

        static func byteLevelSpelling(_ word: [UInt8]) -> [UInt8] {
            var spelled: [UInt8] = []
            spelled.reserveCapacity(word.count * 2)
            for byte in word { spelled.append(contentsOf: BPEByteUnits.utf8ForByte[Int(byte)]) }
            return spelled
        }

        /// Code points of UTF-8 text and the byte offset where each starts (plus the end). The
        /// text comes from Swift strings, so it is valid; a stray byte would still count as one
        /// code point of its own.
        static func decodeUTF8(_ bytes: [UInt8]) -> ([UInt32], [Int]) {
            var codepoints: [UInt32] = []
            var offsets: [Int] = []
            codepoints.reserveCapacity(bytes.count)
            offsets.reserveCapacity(bytes.count + 1)
            var i = 0
            while i < bytes.count {
                offsets.append(i)
                let b0 = UInt32(bytes[i])
                let length = SentencePieceEncoder.utf8SequenceLength(bytes[i])
                if length == 1 || i + length > bytes.count {
                    codepoints.append(b0 < 0x80 ? b0 : 0xFFFD)
                    i += 1
                    continue
                }
                var value: UInt32
                switch length {
                case 2: value = b0 & 0x1F
                case 3: value = b0 & 0x0F
                default: value = b0 & 0x07
                }
                for k in 1..<length { value = value << 6 | (UInt32(bytes[i + k]) & 0x3F) }
                codepoints.append(value)
                i += length
            }
            offsets.append(bytes.count)
            return (codepoints, offsets)
        }
    }

    // MARK: - Decoding

    /// The bytes a token stands for. Control and unknown tokens give nothing unless
    /// `renderSpecial` (their text, e.g. `<|im_end|>`); user-defined tokens always give their text.
    public func pieceBytes(_ id: Int32, renderSpecial: Bool = false) -> [UInt8] {
        guard id >= 0, Int(id) < decodedPieces.count else { return [] }
        if !renderSpecial && !attributes[Int(id)].isDisjoint(with: [.control, .unknown]) { return [] }
        return decodedPieces[Int(id)]
    }

    /// Token ids to text; invalid UTF-8 (a character cut off at either end) becomes U+FFFD.
    /// For streaming, feed `pieceBytes` to a `UTF8StreamDecoder` instead.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids { bytes.append(contentsOf: pieceBytes(id, renderSpecial: renderSpecial)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The token's text as stored in the vocabulary (`Ġhello`, `▁the`, `<0x0A>`), for debugging.
    public func tokenPiece(_ id: Int32) -> String? {
        guard id >= 0, Int(id) < tokenStrings.count else { return nil }
        return tokenStrings[Int(id)]
    }

    /// The id of the token whose vocabulary text is exactly `piece`, compared byte for byte.
    public func tokenID(forPiece piece: String) -> Int32? {
        tokenIDs[Array(piece.utf8)]
    }

    /// Whether generation should stop at this token.
    public func isEndOfGeneration(_ id: Int32) -> Bool {
        endOfGenerationIDs.contains(id)
    }

    /// The stop tokens for a chat template: the end-of-generation set plus the template's own
    /// end-of-turn markers when they are tokens of this vocabulary.
    public func stopTokenIDs(for template: ChatTemplate) -> Set<Int32> {
        var ids = endOfGenerationIDs
        for marker in template.endOfTurnMarkers {
            if let id = tokenID(forPiece: marker) { ids.insert(id) }
        }
        return ids
    }

    /// A token's bytes with special tokens rendered (llama.cpp's token-to-piece cache).
    private static func decodePiece(_ text: [UInt8], attributes: TokenizerTokenAttributes, kind: TokenizerModelKind) -> [UInt8] {
        if !attributes.isDisjoint(with: [.control, .unknown, .userDefined]) { return text }
        if attributes.contains(.normal) {
            switch kind {
            case .sentencePiece:
                return replaceSpaceMarkers(text)
            case .bytePairEncoding:
                var out: [UInt8] = []
                out.reserveCapacity(text.count)
                for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
                    if let byte = BPEByteUnits.byte(for: scalar.value) {
                        out.append(byte)
                    } else {
                        // llama.cpp marks a character outside the byte table this way.
                        let hex = String(scalar).utf8.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
                        out.append(contentsOf: Array("[UNK_BYTE_0x\(hex)".utf8) + text + [0x5D])
                    }
                }
                return out
            }
        }
        if attributes.contains(.byte), text.count >= 5, let value = UInt8(String(decoding: text[3..<5], as: UTF8.self), radix: 16) {
            return [value]
        }
        return []
    }

    private static func replaceSpaceMarkers(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }
}

/// A piece of text to tokenize, or a special token already recognised in it.
enum TokenizerFragment {
    case text([UInt8])
    case token(Int32)
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
