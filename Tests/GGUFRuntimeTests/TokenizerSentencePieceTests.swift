import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// SentencePiece-style (`llama`) tokenization on a small hand-built vocabulary. The expected ids
/// were produced by llama.cpp's llama-tokenize on a vocabulary-only GGUF holding exactly this
/// vocabulary (same tokens, scores and types), built with gguf-py.
@Suite(.heavy) struct TokenizerSentencePieceTests {
    /// 0 `<unk>`, 1 `<s>`, 2 `</s>`, 3...258 byte tokens `<0x00>`...`<0xFF>`, then these pieces
    /// from 259, then user-defined `<|user|>` (282) and control `<|ctl|>` (283).
    static let pieces: [(String, Float)] = [
        ("▁", -1), ("e", -2), ("l", -2.5), ("o", -3), ("h", -3.5), ("w", -4), ("r", -4.5), ("d", -5),
        ("ll", -6), ("he", -7), ("▁h", -8), ("▁he", -9), ("llo", -10), ("▁hello", -11), ("or", -12),
        ("▁w", -13), ("ld", -14), ("▁wor", -15), ("▁world", -16), ("▁▁", -17), ("é", -18), ("lo", -6),
        ("hel", -5.5),
    ]

    static func makeTokenizer(addBOS: Bool? = nil, modelName: String? = nil, phi3Tokens: Bool = false) throws -> Tokenizer {
        var tokens = ["<unk>", "<s>", "</s>"]
        var scores: [Float] = [0, 0, 0]
        var types: [Int32] = [2, 3, 3]
        for byte in 0..<256 {
            let hex = String(byte, radix: 16, uppercase: true)
            tokens.append("<0x\(hex.count == 1 ? "0" + hex : hex)>")
            scores.append(0)
            types.append(6)
        }
        for (piece, score) in pieces {
            tokens.append(piece)
            scores.append(score)
            types.append(1)
        }
        tokens += ["<|user|>", "<|ctl|>"]
        scores += [0, 0]
        types += [4, 3]
        if phi3Tokens {
            tokens += ["<|end|>", "<|assistant|>", "<|endoftext|>"]
            scores += [0, 0, 0]
            types += [3, 4, 3]
        }
        return try Tokenizer(TokenizerConfiguration(
            model: "llama", pre: "default", tokens: tokens, scores: scores, tokenTypes: types,
            bosID: 1, eosID: 2, unknownID: 0, addBOS: addBOS, modelName: modelName))
    }

    /// A model named like Phi-3 (`general.name` containing "phi-3" or "phi3", any case): its special
    /// tokens swallow the whitespace after them, except `<unk>`, `<s>` and `<|endoftext|>`. Expected
    /// ids from llama-tokenize on a vocabulary-only phi3 GGUF named "Phi-3 vocabulary test" with
    /// these tokens (control `<|end|>` 284 and `<|endoftext|>` 286, user-defined `<|assistant|>`
    /// 285), special tokens parsed; the same file named otherwise gives the plain ids.
    @Test(arguments: [
        ("<|user|>\nhello<|end|>\n<|assistant|>\n", [1, 282, 272, 284, 285] as [Int32], [1, 282, 259, 13, 268, 271, 284, 259, 13, 285, 259, 13] as [Int32]),
        ("<|end|>   hello", [1, 284, 272], [1, 284, 278, 259, 272]),
        ("hello <|end|> \t\n world", [1, 272, 259, 284, 277], [1, 272, 259, 284, 278, 12, 13, 277]),
        ("<|endoftext|> hello", [1, 286, 259, 272], [1, 286, 259, 272]),
        ("</s>  hello", [1, 2, 272], [1, 2, 278, 272]),
        ("<s> hello", [1, 1, 259, 272], [1, 1, 259, 272]),
        ("<|user|> \n <|ctl|>\n\nhello", [1, 282, 283, 272], [1, 282, 278, 13, 259, 283, 259, 13, 13, 268, 271]),
        ("<|user|>\n", [1, 282], [1, 282, 259, 13]),
        ("hello<|user|>", [1, 272, 282], [1, 272, 282]),
    ])
    func phi3SpecialTokensStripTheWhitespaceAfterThem(text: String, phi3: [Int32], other: [Int32]) throws {
        let named = try Self.makeTokenizer(modelName: "Phi-3 vocabulary test", phi3Tokens: true)
        #expect(named.encode(text, parseSpecial: true, addSpecial: true) == phi3)
        #expect(try Self.makeTokenizer(modelName: "PHI3 mini", phi3Tokens: true).encode(text, parseSpecial: true, addSpecial: true) == phi3)
        for name in [nil, "vocabulary test", "Phi 3"] {
            let plain = try Self.makeTokenizer(modelName: name, phi3Tokens: true)
            #expect(plain.encode(text, parseSpecial: true, addSpecial: true) == other, "\(name ?? "no name")")
        }
    }

    /// The chat template's segments strip across segment boundaries as the whole rendered string does.
    @Test func phi3TemplateSegmentsStripLikeTheRenderedText() throws {
        let tokenizer = try Self.makeTokenizer(modelName: "Phi-3 vocabulary test", phi3Tokens: true)
        let template = ChatTemplate(kind: .phi3)
        let messages = [(role: "user", content: "  hello"), (role: "assistant", content: "\nworld "), (role: "user", content: "hello")]
        let segments = template.renderSegments(messages: messages, addGenerationPrompt: true)
        let text = template.render(messages: messages, addGenerationPrompt: true)
        #expect(tokenizer.encode(segments: segments, addSpecial: true) == tokenizer.encode(text, parseSpecial: true, addSpecial: true))
        #expect(tokenizer.encode(segments: segments, addSpecial: true).contains(13) == false)
    }

    @Test(arguments: [
        ("hello world", [272, 277] as [Int32]),
        ("Hello", [259, 75, 260, 271]),             // no "H": byte fallback <0x48>
        (" hello", [259, 272]),                     // space prefix + leading space
        ("héllo", [269, 279, 271]),
        ("日本", [259, 233, 154, 168, 233, 159, 175]),  // unknown characters as UTF-8 byte tokens
        ("hello  world", [272, 259, 277]),
        ("lol", [259, 280, 261]),                   // "lo" and "ll" tie on score: leftmost first
        ("hellohello", [272, 268, 271]),
        ("a b", [259, 100, 259, 101]),
        ("hello<|user|>world", [272, 282, 277]),    // user-defined tokens always split; space prefix after them
        ("<|user|> hello", [282, 259, 272]),
        ("<|ctl|>hello", [259, 63, 127, 102, 119, 261, 127, 65, 268, 271]),  // control token not parsed
    ])
    func encodesLikeLlamaCpp(text: String, expected: [Int32]) throws {
        let tokenizer = try Self.makeTokenizer()
        #expect(tokenizer.encode(text, parseSpecial: false) == expected)
    }

    @Test func controlTokensAreRecognisedOnlyWhenParsingSpecial() throws {
        let tokenizer = try Self.makeTokenizer()
        #expect(tokenizer.encode("<|ctl|>hello", parseSpecial: true) == [283, 272])
        #expect(tokenizer.encode("<|ctl|>hello", parseSpecial: true, addSpecial: true) == [1, 283, 272])
        #expect(tokenizer.encode("hello<|ctl|>world", parseSpecial: true, addSpecial: true) == [1, 272, 283, 277])
    }

    @Test func addsBOSByDefaultForSentencePiece() throws {
        let tokenizer = try Self.makeTokenizer()
        #expect(tokenizer.addBOS)
        #expect(tokenizer.addSpacePrefix)
        #expect(tokenizer.encode("hello world", parseSpecial: false, addSpecial: true) == [1, 272, 277])
        let withoutBOS = try Self.makeTokenizer(addBOS: false)
        #expect(withoutBOS.encode("hello world", parseSpecial: false, addSpecial: true) == [272, 277])
    }

    @Test func emptyTextGivesNoTokens() throws {
        let tokenizer = try Self.makeTokenizer()
        #expect(tokenizer.encode("", parseSpecial: false).isEmpty)
        #expect(tokenizer.encode("", parseSpecial: false, addSpecial: true) == [1])
    }

    @Test func decodesSpaceMarkersAndByteTokens() throws {
        let tokenizer = try Self.makeTokenizer()
        #expect(tokenizer.decode([272, 277]) == " hello world")
        #expect(tokenizer.decode([259, 233, 154, 168, 233, 159, 175]) == " 日本")
        #expect(tokenizer.decode([1, 272, 2]) == " hello")
        #expect(tokenizer.decode([1, 272, 2], renderSpecial: true) == "<s> hello</s>")
        #expect(tokenizer.pieceBytes(75) == [0x48])
        #expect(tokenizer.tokenPiece(272) == "▁hello")
    }

    @Test func stopsAtEndOfSentence() throws {
        let tokenizer = try Self.makeTokenizer()
        #expect(tokenizer.endOfGenerationIDs == [2])
        #expect(tokenizer.isEndOfGeneration(2))
        #expect(!tokenizer.isEndOfGeneration(1))
    }
}
