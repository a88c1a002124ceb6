import Testing
@testable import GGUFRuntime

/// The pushdown matcher: whole texts, UTF-8 split anywhere, llama.cpp's decisions on partial
/// characters, and its limits.
@Suite struct GrammarMatcherTests {
    static func matcher(_ gbnf: String) throws -> GrammarMatcher {
        GrammarMatcher(try Grammar(gbnf: gbnf))
    }

    static let json = """
        root ::= object
        value ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
        array ::= "[" ws ( value ("," ws value)* )? "]" ws
        string ::= "\\"" ( [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}) )* "\\"" ws
        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,16})? ws
        ws ::= | " " | "\\n" [ \\t]{0,20}
        """

    @Test func jsonAcceptedAndRejectedTable() throws {
        let m = try Self.matcher(Self.json)
        let good = [
            "{}", "{\"a\":1}", "{\"a\": [1, 2.5, -3e10, true, null]}", "{\"k\": {\"n\": \"v\\n\\u00e9\"}}",
            "{\"日本\": \"😀\"}", "{\n  \"a\": \"b\"}",
        ]
        let bad = [
            "", "{", "{\"a\"}", "{\"a\":}", "[1]", "{\"a\":01}", "{\"a\":1,}", "{\"a\": \"x\ny\"}", "{\"a\": \"\\q\"}", "{} {}",
        ]
        for text in good { #expect(m.accepts(text), "\(text.debugDescription)") }
        for text in bad { #expect(!m.accepts(text), "\(text.debugDescription)") }
    }

    @Test func repetitionBoundsExactly() throws {
        let m = try Self.matcher(#"root ::= "a"{2,3}"#)
        #expect(m.accepts("aa") && m.accepts("aaa"))
        #expect(!m.accepts("a") && !m.accepts("aaaa") && !m.accepts(""))
        var step = m
        let ok1 = step.advance("a".utf8)
        #expect(ok1 && !step.isAccepting)
        let ok2 = step.advance("a".utf8)
        #expect(ok2 && step.isAccepting)
        let ok3 = step.advance("a".utf8)
        #expect(ok3 && step.isAccepting)
        let ok4 = step.advance("a".utf8)
        #expect(!ok4)
        #expect(step.isAccepting, "a refused advance leaves the state as it was")
    }

    @Test func multiByteCharacters() throws {
        let cjk = try Self.matcher("root ::= [一-龯]+")
        #expect(cjk.accepts("漢字") && !cjk.accepts("漢a") && !cjk.accepts("ひ"))
        let emoji = try Self.matcher(#"root ::= "😀" [\U0001F600-\U0001F64F]{2}"#)
        #expect(emoji.accepts("😀🙏😃") && !emoji.accepts("😀🚀😃") && !emoji.accepts("😀😃"))
        let negated = try Self.matcher("root ::= [^é日]+")
        #expect(negated.accepts("eà😀") && !negated.accepts("aé") && !negated.accepts("日"))
        let any = try Self.matcher("root ::= . .")
        #expect(any.accepts("é😀") && !any.accepts("é") && !any.accepts("abc"))
    }

    @Test func charactersSplitAcrossFeeds() throws {
        // "日" is E6 97 A5; "😀" is F0 9F 98 80.
        var m = try Self.matcher(#"root ::= "日😀""#)
        for byte in Array("日😀".utf8) {
            #expect(!m.isAccepting)
            let ok5 = m.advance([byte])
            #expect(ok5)
        }
        #expect(m.isAccepting && !m.isInsideCharacter)
        var split = try Self.matcher(#"root ::= "a日" "b""#)
        let ok6 = split.advance([0x61, 0xE6])
        #expect(ok6)
        #expect(split.isInsideCharacter)
        let ok7 = split.advance([0x97, 0xA5, 0x62])
        #expect(ok7)
        #expect(split.isAccepting)
    }

    @Test func partialCharactersFollowLlamaCpp() throws {
        let e = try Self.matcher("root ::= [é]")  // é is C3 A9
        #expect(e.canAccept(bytes: [0xC3]))
        #expect(!e.canAccept(bytes: [0xC4]), "C4 xx is U+0100...U+013F")
        #expect(!e.canAccept(bytes: [0xC3, 0xAA]))
        // A negated class refuses a partial character that could become any excluded character.
        let notE = try Self.matcher("root ::= [^é]")
        #expect(!notE.canAccept(bytes: [0xC3]))
        #expect(notE.canAccept(bytes: [0xC4]))
        #expect(notE.canAccept(bytes: [0xC3, 0xA8]))
        // Overlong two-byte leads (C0, C1) never match; E0 and F0 start at U+0800 and U+10000.
        let anyChar = try Self.matcher("root ::= .")
        #expect(!anyChar.canAccept(bytes: [0xC1]))
        #expect(anyChar.canAccept(bytes: [0xE0]))
        let ascii = try Self.matcher("root ::= [\\x00-\\u07FF]")
        #expect(!ascii.canAccept(bytes: [0xE0]), "E0 xx xx is at least U+0800")
        #expect(ascii.canAccept(bytes: [0xDF]))
        // A continuation byte where a character starts is invalid; so is a bad continuation of a
        // character carried over from the previous feed.
        #expect(!anyChar.canAccept(bytes: [0x80]))
        var carried = anyChar
        let ok8 = carried.advance([0xE6])
        #expect(ok8)
        #expect(!carried.canAccept(bytes: [0x41]))
        #expect(carried.canAccept(bytes: [0x97]))
        #expect(carried.canAccept(bytes: [0x97, 0xA5]))
        #expect(!carried.canAccept(bytes: [0x97, 0xA5, 0x41]), "one character only")
    }

    @Test func aTokenCanSpanRuleBoundaries() throws {
        var m = try Self.matcher("""
            root ::= greet name punct
            greet ::= "hi" " "
            name ::= [a-z]+
            punct ::= "!"
            """)
        let ok9 = m.advance("h".utf8)
        #expect(ok9)
        #expect(m.canAccept(bytes: Array("i bo".utf8)))
        #expect(m.canAccept(bytes: Array("i bob!".utf8)))
        #expect(!m.canAccept(bytes: Array("i bob!!".utf8)))
        #expect(!m.canAccept(bytes: Array("i Bob".utf8)))
        let ok10 = m.advance("i bob!".utf8)
        #expect(ok10)
        #expect(m.isAccepting)
    }

    @Test func completeSentenceEndsOnlyWhenAllowed() throws {
        var m = try Self.matcher(#"root ::= "ab" | "abc""#)
        let ok11 = m.advance("ab".utf8)
        #expect(ok11)
        #expect(m.isAccepting)
        #expect(m.canAccept(bytes: Array("c".utf8)))
        #expect(!m.canAccept(bytes: Array("d".utf8)))
        let ok12 = m.advance("c".utf8)
        #expect(ok12 && m.isAccepting)
        let ok13 = m.advance("c".utf8)
        #expect(!ok13)
        // Like llama.cpp, bytes that only begin a character drop the complete sentence.
        var partial = try Self.matcher(#"root ::= "a" | "aé""#)
        let ok14 = partial.advance("a".utf8)
        #expect(ok14 && partial.isAccepting)
        let ok15 = partial.advance([0xC3])
        #expect(ok15)
        #expect(!partial.isAccepting)
    }

    @Test func equalStacksAreKeptOnce() throws {
        var m = try Self.matcher(#"root ::= ("a" | "a" | [a])* "b""#)
        let ok16 = m.advance("a".utf8)
        #expect(ok16)
        let afterOne = m.stackCount
        for _ in 0..<50 {
            let ok = m.advance("a".utf8)
            #expect(ok)
        }
        // One stack per class that can come next ("a", "a", [a], "b"), however many a's came.
        #expect(afterOne == 4 && m.stackCount == afterOne)
        let ok17 = m.advance("b".utf8)
        #expect(ok17 && m.isAccepting)
    }

    @Test func tooManyStacksIsAnErrorNotABlowUp() throws {
        // After n a's every sequence of pending b's and c's is a stack: 2^n of them.
        var m = try Self.matcher("root ::= s\ns ::= \"a\" s \"b\" | \"a\" s \"c\" |")
        var error: GrammarError?
        for _ in 0..<20 {
            do { try m.feed("a".utf8) } catch let e {
                error = e
                break
            }
        }
        #expect(error == .tooManyStacks(limit: GrammarMatcher.maxStacks))
        #expect(m.stackCount <= GrammarMatcher.maxStacks)
    }

    @Test func leftRecursionThatLlamaCppMissesIsStoppedByTheDepthLimit() throws {
        // `n` can only be empty through `m`, which llama.cpp's check does not follow; its matcher
        // would grow the stack forever.
        let grammar = try Grammar(gbnf: "root ::= n root \"x\" | \"y\"\nn ::= m\nm ::= | \"z\"")
        let m = GrammarMatcher(grammar)
        #expect(m.failure == .tooDeep(limit: GrammarMatcher.maxDepth))
        #expect(!m.accepts("yx"))
    }

    @Test func feedSaysWhy() throws {
        var m = try Self.matcher(#"root ::= "a""#)
        #expect(throws: GrammarError.rejected("\"b\"")) { try m.feed("b".utf8) }
        #expect(throws: GrammarError.rejected("invalid UTF-8 80")) { try m.feed([0x80]) }
        // A NUL byte ends the bytes, as in llama.cpp's C strings.
        let ok18 = m.advance([0x61, 0x00, 0x62])
        #expect(ok18)
        #expect(m.isAccepting)
    }
}
