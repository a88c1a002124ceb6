import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Byte-level BPE on a small hand-built vocabulary: merge order, special tokens, segments, the
/// Llama 3 whole-word shortcut, metadata errors.
@Suite(.heavy) struct TokenizerBPETests {
    /// Ids: 0 `<|endoftext|>`, 1 `<|im_start|>`, 2 `<|im_end|>` (control), 3 `<tool>` (user-defined),
    /// 4...259 the 256 byte characters in byte order, then `extra` pieces in order from 260.
    static func makeTokenizer(
        merges: [String], extra: [String], pre: String? = "gpt2", imEndType: Int32 = 3
    ) throws -> Tokenizer {
        var tokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool>"]
        var types: [Int32] = [3, 3, imEndType, 4]
        for byte in 0..<256 {
            tokens.append(String(Unicode.Scalar(BPEByteUnits.codepointForByte[byte])!))
            types.append(1)
        }
        tokens += extra
        types += extra.map { _ in 1 }
        return try Tokenizer(TokenizerConfiguration(
            model: "gpt2", pre: pre == "gpt2" ? "gpt-2" : pre, tokens: tokens, tokenTypes: types, merges: merges,
            bosID: 0, eosID: 0))
    }

    static func byteID(_ character: Character) -> Int32 { Int32(4 + Int(character.asciiValue!)) }

    static let helloWorld: (merges: [String], extra: [String]) = (
        ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"],
        ["he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "Ġworl", "Ġworld"])

    @Test func mergesByRankIntoWholeWords() throws {
        let tokenizer = try Self.makeTokenizer(merges: Self.helloWorld.merges, extra: Self.helloWorld.extra)
        #expect(tokenizer.encode("hello world", parseSpecial: false) == [263, 268])
        #expect(tokenizer.decode([263, 268]) == "hello world")
        #expect(tokenizer.tokenPiece(268) == "Ġworld")
    }

    @Test func lowerRankMergesFirstAndTiesGoLeftmost() throws {
        let abFirst = try Self.makeTokenizer(merges: ["a b", "b c"], extra: ["ab", "bc"])
        #expect(abFirst.encode("abc", parseSpecial: false) == [260, Self.byteID("c")])
        let bcFirst = try Self.makeTokenizer(merges: ["b c", "a b"], extra: ["bc", "ab"])
        #expect(bcFirst.encode("abc", parseSpecial: false) == [Self.byteID("a"), 260])
        let pairs = try Self.makeTokenizer(merges: ["a a"], extra: ["aa"])
        #expect(pairs.encode("aaa", parseSpecial: false) == [260, Self.byteID("a")])
        #expect(pairs.encode("aaaa", parseSpecial: false) == [260, 260])
    }

    @Test func aMergeWhoseResultIsNoTokenFallsBackToSingleBytes() throws {
        // "x y" merges into "xy", which is not in the vocabulary: llama.cpp emits x and y.
        let tokenizer = try Self.makeTokenizer(merges: ["x y"], extra: [])
        #expect(tokenizer.encode("xy", parseSpecial: false) == [Self.byteID("x"), Self.byteID("y")])
    }

    @Test func controlTokensInTextAreOrdinaryUnlessParsingSpecial() throws {
        let tokenizer = try Self.makeTokenizer(merges: Self.helloWorld.merges, extra: Self.helloWorld.extra)
        let typed = tokenizer.encode("<|im_start|>hello", parseSpecial: false)
        #expect(!typed.contains(1))
        #expect(typed.last == 263)
        #expect(tokenizer.decode(typed) == "<|im_start|>hello")
        #expect(tokenizer.encode("<|im_start|>hello<|im_end|>", parseSpecial: true) == [1, 263, 2])
    }

    @Test func userDefinedTokensAreAlwaysRecognised() throws {
        let tokenizer = try Self.makeTokenizer(merges: Self.helloWorld.merges, extra: Self.helloWorld.extra)
        #expect(tokenizer.encode("hello<tool>hello", parseSpecial: false) == [263, 3, 263])
    }

    @Test func longerSpecialTokensWinOverShorterOnes() throws {
        var tokens = ["<a>", "<a><b>"]
        var types: [Int32] = [3, 3]
        for byte in 0..<256 {
            tokens.append(String(Unicode.Scalar(BPEByteUnits.codepointForByte[byte])!))
            types.append(1)
        }
        let tokenizer = try Tokenizer(TokenizerConfiguration(model: "gpt2", pre: "gpt-2", tokens: tokens, tokenTypes: types, merges: []))
        #expect(tokenizer.encode("<a><b><a>", parseSpecial: true) == [1, 0])
    }

    @Test func segmentsRecogniseSpecialTokensOnlyInTemplateText() throws {
        let tokenizer = try Self.makeTokenizer(merges: Self.helloWorld.merges, extra: Self.helloWorld.extra)
        let segments = [
            ChatTemplateSegment("<|im_start|>", special: true),
            ChatTemplateSegment("hello", special: false),
            ChatTemplateSegment(" world<|im_end|>", special: false),
            ChatTemplateSegment("<|im_end|>", special: true),
        ]
        let ids = tokenizer.encode(segments: segments)
        #expect(ids.first == 1)
        #expect(ids.last == 2)
        #expect(ids.filter { $0 == 2 }.count == 1)
        // Neighbouring plain segments are tokenized as one text: "hello" + " world" merge as usual.
        #expect(Array(ids[1...2]) == [263, 268])
    }

    @Test func llama3UsesWholeWordTokensBeforeMerging() throws {
        // "abc" is a token, but no merge path reaches it.
        let merges = ["a b"], extra = ["ab", "abc"]
        let llama3 = try Self.makeTokenizer(merges: merges, extra: extra, pre: "llama-bpe")
        #expect(llama3.encode("abc", parseSpecial: false) == [261])
        #expect(llama3.addBOS)
        let gpt2 = try Self.makeTokenizer(merges: merges, extra: extra)
        #expect(gpt2.encode("abc", parseSpecial: false) == [260, Self.byteID("c")])
        #expect(!gpt2.addBOS)
    }

    @Test func addSpecialAddsBOSOnlyWhenTheModelAsksForIt() throws {
        let tokenizer = try Self.makeTokenizer(merges: Self.helloWorld.merges, extra: Self.helloWorld.extra, pre: "llama3")
        #expect(tokenizer.encode("hello", parseSpecial: false, addSpecial: true) == [0, 263])
        #expect(tokenizer.encode("hello", parseSpecial: false, addSpecial: false) == [263])
    }

    @Test func endOfTurnTokensAreFoundByNameAndMadeControl() throws {
        // <|im_end|> typed as a normal token: llama.cpp still treats it as end-of-turn control.
        let tokenizer = try Self.makeTokenizer(merges: [], extra: [], imEndType: 1)
        #expect(tokenizer.eotID == 0)  // <|endoftext|> is the first end-of-turn name by id
        #expect(tokenizer.endOfGenerationIDs == [0, 2])
        #expect(tokenizer.attributes[2].contains(.control))
        #expect(tokenizer.pieceBytes(2).isEmpty)
        #expect(tokenizer.pieceBytes(2, renderSpecial: true) == Array("<|im_end|>".utf8))
    }

    @Test func missingPreTokenizerFallsBackToDefaultAndSaysSo() throws {
        let tokenizer = try Self.makeTokenizer(merges: [], extra: [], pre: nil)
        #expect(tokenizer.preTokenizer == .default)
        #expect(tokenizer.preTokenizerFellBackToDefault)
        let named = try Self.makeTokenizer(merges: [], extra: [], pre: "smollm")
        #expect(named.preTokenizer == .smollm)
        #expect(!named.preTokenizerFellBackToDefault)
    }

    @Test func unsupportedMetadataIsAnErrorNamingTheValue() throws {
        #expect(throws: TokenizerError.unsupportedPreTokenizer("tekken")) {
            try Self.makeTokenizer(merges: [], extra: [], pre: "tekken")
        }
        #expect(TokenizerError.unsupportedPreTokenizer("tekken").description.contains("'tekken'"))
        #expect(throws: TokenizerError.unsupportedModel("bert")) {
            try Tokenizer(TokenizerConfiguration(model: "bert", tokens: ["a"]))
        }
        #expect(TokenizerError.unsupportedModel("bert").description.contains("'bert'"))
        #expect(throws: TokenizerError.missingMerges) {
            try Tokenizer(TokenizerConfiguration(model: "gpt2", pre: "smollm", tokens: ["a"]))
        }
        #expect(throws: TokenizerError.emptyVocabulary) {
            try Tokenizer(TokenizerConfiguration(model: "gpt2", pre: "smollm", tokens: [], merges: []))
        }
        #expect(throws: TokenizerError.arrayTooShort(name: "tokenizer.ggml.token_type", count: 1, expected: 2)) {
            try Tokenizer(TokenizerConfiguration(model: "gpt2", pre: "smollm", tokens: ["a", "b"], tokenTypes: [1], merges: []))
        }
        for error in [TokenizerError.missingMerges, .emptyVocabulary, .unsupportedModel("x"), .unsupportedPreTokenizer("y"),
                      .arrayTooShort(name: "n", count: 1, expected: 2)] {
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func outOfRangeIdsDecodeToNothing() throws {
        let tokenizer = try Self.makeTokenizer(merges: [], extra: [])
        #expect(tokenizer.pieceBytes(-1).isEmpty)
        #expect(tokenizer.pieceBytes(100_000).isEmpty)
        #expect(tokenizer.tokenPiece(100_000) == nil)
        #expect(tokenizer.decode([Self.byteID("h"), 100_000, Self.byteID("i")]) == "hi")
    }
}
