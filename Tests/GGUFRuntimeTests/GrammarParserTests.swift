import Testing
@testable import GGUFRuntime

/// GBNF reading: every construct (checked through what the grammar accepts) and every error,
/// with the position it reports.
@Suite struct GrammarParserTests {
    /// Asserts which texts a grammar accepts as complete sentences.
    static func check(
        _ gbnf: String, root: String = "root", accepts good: [String], rejects bad: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let matcher = GrammarMatcher(try Grammar(gbnf: gbnf, root: root))
        for text in good {
            #expect(matcher.accepts(text), "should accept \(text.debugDescription)", sourceLocation: sourceLocation)
        }
        for text in bad {
            #expect(!matcher.accepts(text), "should reject \(text.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    static func error(_ gbnf: String, root: String = "root") -> GrammarError? {
        do {
            _ = try Grammar(gbnf: gbnf, root: root)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Constructs

    @Test func rulesReferencesAndAlternatives() throws {
        try Self.check(
            """
            root ::= greeting " " name
            greeting ::= "hi" | "hello"
            name ::= [a-z]+ tail-2
            tail-2 ::= "!" | "?"
            """,
            accepts: ["hi bob!", "hello x?"], rejects: ["hi bob", "hey bob!", "hi Bob!", "hellohi bob!"])
    }

    @Test func groupsAndNestedAlternatives() throws {
        try Self.check(
            #"root ::= ("a" | "b" ("c" | "d")) "e""#,
            accepts: ["ae", "bce", "bde"], rejects: ["be", "ace", "e", "abce"])
    }

    @Test func starPlusAndQuestionMark() throws {
        try Self.check(#"root ::= "a"* "b"+ "c"?"#, accepts: ["b", "aab", "abbbc", "bc"], rejects: ["", "a", "c", "abcc"])
        // Applied to groups too.
        try Self.check(#"root ::= ("ab")+ ("c" "d")?"#, accepts: ["ab", "ababcd"], rejects: ["a", "abc", "cd"])
    }

    @Test func countedRepetitions() throws {
        try Self.check(#"root ::= "a"{3}"#, accepts: ["aaa"], rejects: ["aa", "aaaa", ""])
        try Self.check(#"root ::= "a"{2,}"#, accepts: ["aa", "aaa", String(repeating: "a", count: 50)], rejects: ["a", ""])
        try Self.check(#"root ::= "a"{2,3}"#, accepts: ["aa", "aaa"], rejects: ["a", "aaaa", ""])
        try Self.check(#"root ::= "a"{0,2} "b""#, accepts: ["b", "ab", "aab"], rejects: ["aaab"])
        try Self.check(#"root ::= "a"{0} "b""#, accepts: ["b"], rejects: ["ab"])
        try Self.check(#"root ::= ("x" | "yz"){ 1 , 2 }"#, accepts: ["x", "yz", "xyz", "yzyz"], rejects: ["", "xxx"])
        // A count applies to the last item only.
        try Self.check(#"root ::= "ab"{2}"#, accepts: ["abab"], rejects: ["abb"])
        try Self.check(#"root ::= [0-9]{4} "-" [0-9]{2}"#, accepts: ["2024-05"], rejects: ["202-05", "2024-5"])
    }

    @Test func literalEscapes() throws {
        try Self.check(
            #"root ::= "\n\r\t\\\"\[\]\-\x41\u00e9\U0001F600""#,
            accepts: ["\n\r\t\\\"[]-Aé😀"], rejects: ["\n\r\t\\\"[]-Ae😀"])
        // A literal may hold any UTF-8 text as it is.
        try Self.check(#"root ::= "日本 ✓ 😀""#, accepts: ["日本 ✓ 😀"], rejects: ["日本 ✓"])
    }

    @Test func characterClasses() throws {
        try Self.check("root ::= [a-cx]+", accepts: ["abcx", "x"], rejects: ["d", "", "ab-"])
        try Self.check("root ::= [^a-c\\n]+", accepts: ["xyz", "é日"], rejects: ["a", "xa", "x\n"])
        // '-' last is itself; escaped brackets and dash are members.
        try Self.check(#"root ::= [a-]+"#, accepts: ["a-a"], rejects: ["b"])
        try Self.check(#"root ::= [\[\]\-]+"#, accepts: ["[]-"], rejects: ["a"])
        try Self.check(#"root ::= [\x30-\x39\u00e0-\u00ff]+"#, accepts: ["0à9ÿ"], rejects: ["a", "Ā"])
        try Self.check("root ::= [ぁ-ゟ]+", accepts: ["ひらがな"], rejects: ["カタカナ", "a"])
    }

    @Test func anyCharacter() throws {
        try Self.check(#"root ::= "<" . ">""#, accepts: ["<a>", "<😀>", "<\n>"], rejects: ["<>", "<ab>"])
    }

    @Test func commentsAndLinesBreaks() throws {
        try Self.check(
            """
            # a comment before the first rule
            root ::= (   # a comment inside a group
                "a"
                | "b"    # alternatives over lines
            ) tail  # trailing comment

            tail ::= "x" |
                "y"
            """,
            accepts: ["ax", "by"], rejects: ["a", "x"])
        // Windows line endings.
        try Self.check("root ::= a\r\na ::= \"q\"\r\n", accepts: ["q"], rejects: ["a"])
    }

    @Test func anotherStartRule() throws {
        try Self.check("root ::= \"r\"\nitem ::= \"i\"", root: "item", accepts: ["i"], rejects: ["r"])
    }

    @Test func emptyAlternativeMatchesNothing() throws {
        try Self.check("root ::= \"a\" opt \"c\"\nopt ::= | \"b\"", accepts: ["ac", "abc"], rejects: ["abbc"])
    }

    @Test func repetitionsAreWrittenOutAsRules() throws {
        let grammar = try Grammar(gbnf: #"root ::= "a"{2,3}"#)
        #expect(grammar.ruleCount == 2)
        #expect(grammar.expandedDescription == "root ::= [a] [a] root_1\nroot_1 ::= [a] |")
        let star = try Grammar(gbnf: #"root ::= [0-9]*"#)
        #expect(star.expandedDescription == "root ::= root_1\nroot_1 ::= [0-9] root_1 |")
    }

    // MARK: - Errors

    @Test func undefinedRuleNamesItAndItsFirstUse() {
        #expect(Self.error("root ::= foo") == .undefinedRule("foo", line: 1, column: 10))
        #expect(Self.error("root ::= a\na ::= \"x\" missing-rule") == .undefinedRule("missing-rule", line: 2, column: 11))
        // Columns count characters, not bytes.
        #expect(Self.error("root ::= \"é\" foo") == .undefinedRule("foo", line: 1, column: 14))
    }

    @Test func missingRoot() {
        #expect(Self.error("") == .missingRoot("root"))
        #expect(Self.error("main ::= \"a\"") == .missingRoot("root"))
        #expect(Self.error("root ::= \"a\"", root: "start") == .missingRoot("start"))
    }

    @Test func directLeftRecursion() {
        #expect(Self.error(#"root ::= root "a" | "b""#) == .leftRecursion(cycle: ["root", "root"], line: 1, column: 10))
        // Through a rule with an empty alternative.
        #expect(Self.error("root ::= e root \"x\" | \"y\"\ne ::= | \"q\"") == .leftRecursion(cycle: ["root", "root"], line: 1, column: 12))
        // Through an optional item: x? is a made-up rule that may be empty.
        #expect(Self.error(#"root ::= "z"? root "a" | "b""#) == .leftRecursion(cycle: ["root", "root"], line: 1, column: 15))
    }

    @Test func indirectLeftRecursion() {
        let error = Self.error("root ::= a\na ::= b \"x\"\nb ::= a \"y\" | \"z\"")
        #expect(error == .leftRecursion(cycle: ["a", "b", "a"], line: 3, column: 7))
        #expect(error?.description.contains("a -> b -> a") == true)
        // Right recursion is fine.
        #expect(Self.error("root ::= \"a\" root | \"b\"") == nil)
    }

    @Test func badEscapes() {
        #expect(Self.error(#"root ::= "\q""#) == .syntax("unknown escape '\\q'; use \\n \\r \\t \\\\ \\\" \\[ \\] \\- \\xHH \\uHHHH or \\UHHHHHHHH", line: 1, column: 11))
        #expect(Self.error(#"root ::= "\x4""#) == .syntax("\\x needs exactly 2 hex digits", line: 1, column: 11))
        #expect(Self.error(#"root ::= [\u12G4]"#) == .syntax("\\u needs exactly 4 hex digits", line: 1, column: 11))
        #expect(Self.error(#"root ::= "\U0001F60""#) == .syntax("\\U needs exactly 8 hex digits", line: 1, column: 11))
    }

    @Test func unterminatedLiteralAndClass() {
        #expect(Self.error("root ::= \"abc") == .syntax("string literal is never closed", line: 1, column: 10))
        #expect(Self.error("root ::= \"a\" [a-z") == .syntax("character class is never closed", line: 1, column: 14))
        #expect(Self.error("root ::= [a-") == .syntax("character class is never closed", line: 1, column: 10))
        #expect(Self.error("root ::= \"a\\") == .syntax("the text ends after a backslash", line: 1, column: 12))
    }

    @Test func badRepetitionBounds() {
        #expect(Self.error(#"root ::= "a"{3,2}"#) == .syntax("repetition {3,2} has its lower bound above its upper bound", line: 1, column: 13))
        #expect(Self.error(#"root ::= "a"{2001}"#) == .syntax("repetition count 2001 is above the limit of 2000", line: 1, column: 13))
        #expect(Self.error(#"root ::= "a"{1,99999999999}"#) == .syntax("repetition count 1000000000 is above the limit of 2000", line: 1, column: 13))
        #expect(Self.error(#"root ::= "a"{,3}"#) == .syntax("expected a number after '{', found ','", line: 1, column: 14))
        #expect(Self.error(#"root ::= "a"{2"#) == .syntax("expected ',' or '}' in the repetition, found the end of the text", line: 1, column: 15))
        #expect(Self.error(#"root ::= "a"{2,3"#) == .syntax("expected '}' to end the repetition, found the end of the text", line: 1, column: 17))
        #expect(Self.error(#"root ::= *"a""#) == .syntax("'*' has nothing before it to repeat", line: 1, column: 10))
        #expect(Self.error(#"root ::= "" +"#) == .syntax("'+' has nothing before it to repeat", line: 1, column: 13))
        // Nested counts multiply: 101 rules (100 optional + the group) times 100.
        #expect(Self.error(#"root ::= ("a"{0,100}){0,100}"#) == .syntax("this repetition would make 10100 rules (the limit is 2000); use smaller counts or nest less", line: 1, column: 22))
        #expect(Self.error(#"root ::= ("a"{0,40}){0,40}"#) == nil)
    }

    @Test func otherSyntaxErrors() {
        #expect(Self.error("root = \"a\"") == .syntax("expected '::=' after the rule name 'root', found '='", line: 1, column: 6))
        #expect(Self.error("root\n::= \"a\"") == .syntax("expected '::=' after the rule name 'root', found a line break", line: 1, column: 5))
        #expect(Self.error("root ::= (\"a\"") == .syntax("expected ')' to close the group opened at 1:10, found the end of the text", line: 1, column: 14))
        #expect(Self.error("root ::= \"a\")") == .syntax("expected the end of the line after the rule 'root', found a ')' without its '('", line: 1, column: 13))
        #expect(Self.error("root ::= \"a\" @") == .syntax("expected the end of the line after the rule 'root', found '@'", line: 1, column: 14))
        #expect(Self.error("::= \"a\"") == .syntax("expected a rule name, found ':'", line: 1, column: 1))
        #expect(Self.error("root ::= []") == .syntax("empty character class (llama.cpp would read it as the empty string)", line: 1, column: 10))
        #expect(Self.error("root ::= <think> \"a\"") == .syntax("token references (<...>, !<...>) are not supported; write the text as a string literal", line: 1, column: 10))
        #expect(Self.error("root ::= \"a\"\nroot ::= \"b\"") == .duplicateRule("root", line: 2, column: 1))
    }

    @Test func limits() {
        let huge = "root ::= \"a\"\n" + String(repeating: "#", count: 1 << 20)
        #expect(Self.error(huge) == .tooLarge("the text is \(huge.utf8.count) bytes; the limit is 1048576"))
        let deep = "root ::= " + String(repeating: "(", count: 101) + "\"a\"" + String(repeating: ")", count: 101)
        #expect(Self.error(deep) == .syntax("groups nested more than 100 deep", line: 1, column: 110))
        // 2000 copies of a 1000-character literal would be two million elements.
        let wide = "root ::= \"" + String(repeating: "x", count: 1000) + "\"{2000}"
        #expect(Self.error(wide) == .tooLarge("more than 1048576 elements once repetitions are written out"))
    }

    @Test func descriptionsAreOneLineAndSayWhere() {
        let errors: [GrammarError] = [
            .syntax("x", line: 3, column: 7), .undefinedRule("foo", line: 2, column: 1), .missingRoot("root"),
            .leftRecursion(cycle: ["a", "a"], line: 1, column: 2), .leftRecursion(cycle: ["a", "b", "a"], line: 1, column: 2),
            .duplicateRule("a", line: 4, column: 1), .tooLarge("x"), .tooManyStacks(limit: 4096), .tooDeep(limit: 1024),
            .rejected("\"x\""), .noAllowedToken,
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
        }
        #expect(GrammarError.syntax("x", line: 3, column: 7).description == "grammar syntax error at 3:7: x")
        #expect(GrammarError.undefinedRule("foo", line: 2, column: 1).description.hasPrefix("grammar error at 2:1: rule 'foo'"))
    }
}
