import Testing

@testable import ParleyTUI

@Suite("Wrapping by display width")
struct TextWrapperTests {
    func wrap(_ text: String, _ width: Int, prefix: String = "", hanging: Int? = nil) -> [String] {
        TextWrapper.wrap([StyledRun(text)], width: width, prefix: prefix.isEmpty ? [] : [StyledRun(prefix)], hangingIndent: hanging)
            .map(\.plainText)
    }

    @Test func breaksAtSpaces() {
        #expect(wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"])
    }

    @Test func longWordsBreakBetweenCharacters() {
        #expect(wrap("abcdefghijkl", 5) == ["abcde", "fghij", "kl"])
    }

    @Test func wideCharactersNeverSplitOrOverflow() {
        let lines = wrap("你好世界你好", 5)
        #expect(lines == ["你好", "世界", "你好"])
        for line in lines { #expect(DisplayWidth.of(line) <= 5) }
    }

    @Test func emojiSequencesStayWhole() {
        let lines = wrap("ab👨‍👩‍👧cd", 3)
        #expect(lines == ["ab", "👨‍👩‍👧c", "d"])
    }

    @Test func zwjSequencesFirstOnALineAreMeasuredAsTwoColumns() {
        #expect(wrap("👩‍💻 ab cd", 5) == ["👩‍💻 ab", "cd"])
        #expect(wrap("x 👩‍💻👩‍💻 y", 4) == ["x", "👩‍💻👩‍💻", "y"])
        #expect(wrap("☝🏽☝🏽☝🏽", 4) == ["☝🏽☝🏽", "☝🏽"])
        for line in wrap("🏳️‍🌈🏳️‍🌈🏳️‍🌈 ❤️‍🔥❤️‍🔥 🐻‍❄️", 4) { #expect(DisplayWidth.of(line) <= 4) }
    }

    @Test func hangingIndentUnderAPrefix() {
        #expect(wrap("one two three four", 12, prefix: "• ") == ["• one two", "  three four"])
    }

    @Test func leadingSpacesOfTheFirstLineAreKept() {
        #expect(wrap("    indented code", 40) == ["    indented code"])
    }

    @Test func everyLineFitsForManyWidths() {
        let text = "Lorem ipsum 中文字符 dolor 😀 sit amet, consectetur 🇫🇷 adipiscing elit é"
        for width in 1...30 {
            for line in wrap(text, width, prefix: "- ") {
                #expect(DisplayWidth.of(line) <= max(width, 2), "width \(width): \(line)")
            }
        }
    }
}
