import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// The hand-written pre-tokenizer rules, word by word. (The corpus tests check them through the
/// real vocabulary; these pin down the rules that differ between pre-tokenizers.)
@Suite(.heavy) struct TokenizerPreTokenizerTests {
    func words(_ text: String, _ pre: PreTokenizer) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return pre.split(scalars.map(\.value)).map { range in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[range])
            return String(word)
        }
    }

    @Test func gpt2SplitsLettersNumbersAndPunctuationWithOneLeadingSpace() {
        #expect(words("Hello world", .gpt2) == ["Hello", " world"])
        #expect(words("Hello  world", .gpt2) == ["Hello", " ", " world"])
        #expect(words("abc 12345!?", .gpt2) == ["abc", " 12345", "!?"])
        #expect(words("it's we'll I'M", .gpt2) == ["it", "'s", " we", "'ll", " I", "'", "M"])
        #expect(words("end  ", .gpt2) == ["end", "  "])
        #expect(words("a\n\nb", .gpt2) == ["a", "\n", "\n", "b"])
    }

    @Test func smollmIsolatesEveryDigit() {
        #expect(words("abc 12345", .smollm) == ["abc", " ", "1", "2", "3", "4", "5"])
        #expect(words("v1.2", .smollm) == ["v", "1", ".", "2"])
        #expect(words("٣٤", .smollm) == ["٣", "٤"])
    }

    @Test func llama3GroupsDigitsByThreeAndKeepsNewlineRuns() {
        #expect(words("1234567", .llama3) == ["123", "456", "7"])
        #expect(words("x 12345", .llama3) == ["x", " ", "123", "45"])
        #expect(words("It'S", .llama3) == ["It", "'S"])
        #expect(words("a \n\n b", .llama3) == ["a", " \n\n", " b"])
        #expect(words("foo...\n\nbar", .llama3) == ["foo", "...\n\n", "bar"])
        #expect(words("(hello)", .llama3) == ["(hello", ")"])
    }

    @Test func qwen2IsolatesEveryDigitButOtherwiseFollowsLlama3() {
        #expect(words("1234", .qwen2) == ["1", "2", "3", "4"])
        #expect(words("(hello) 12", .qwen2) == ["(hello", ")", " ", "1", "2"])
    }

    @Test func defaultIsolatesPunctuationNumberRunsAndDigitTriples() {
        #expect(words("a,b 12345", .default) == ["a", ",", "b", " ", "123", "45"])
        #expect(words("x+=1", .default) == ["x", "+=", "1"])
        #expect(words("¿Qué?", .default) == ["¿", "Qué", "?"])
    }

    @Test func namesMapToTheRulesLlamaCppUsesForThem() {
        #expect(PreTokenizer.named("smollm") == .smollm)
        #expect(PreTokenizer.named("starcoder") == .smollm)
        #expect(PreTokenizer.named("llama-bpe") == .llama3)
        #expect(PreTokenizer.named("llama3") == .llama3)
        #expect(PreTokenizer.named("qwen2") == .qwen2)
        #expect(PreTokenizer.named("gpt-2") == .gpt2)
        #expect(PreTokenizer.named("default") == .default)
        #expect(PreTokenizer.named("tekken") == nil)
    }

    @Test func unicodeCategoriesFollowLlamaCppsUnicode15Table() {
        // U+1FAE9 was assigned in Unicode 16: llama.cpp's table calls it unassigned.
        #expect(PreTokenizerCodepointFlags.of(0x1FAE9) == .undefined)
        #expect(PreTokenizerCodepointFlags.of(0x1FAE8).contains(.symbol))
        #expect(PreTokenizerCodepointFlags.of(0x3000).isWhitespace)
        #expect(PreTokenizerCodepointFlags.of(0x0664).isNumber)
        #expect(PreTokenizerCodepointFlags.of(0x4E2D).isLetter)
    }
}
