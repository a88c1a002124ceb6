import Testing

@testable import ParleyTUI

@Suite("Display width")
struct DisplayWidthTests {
    static let cases: [(String, Int, String)] = [
        ("", 0, "empty"),
        ("abc", 3, "ASCII"),
        ("héllo", 5, "precomposed Latin"),
        ("he\u{301}llo", 5, "combining acute is zero"),
        ("a\u{20DD}", 1, "enclosing mark is zero"),
        ("中文", 4, "CJK ideographs are wide"),
        ("こんにちは", 10, "hiragana"),
        ("한국어", 6, "Hangul syllables"),
        ("ＡＢ", 4, "fullwidth Latin"),
        ("ｱｲ", 2, "halfwidth katakana"),
        ("😀", 2, "emoji presentation"),
        ("👍🏽", 2, "emoji with skin tone modifier"),
        ("👨‍👩‍👧‍👦", 2, "ZWJ family sequence is one glyph"),
        ("🏳️‍🌈", 2, "rainbow flag (VS16 + ZWJ)"),
        ("🇫🇷", 2, "flag (regional indicator pair)"),
        ("🇫🇷🇯🇵", 4, "two flags"),
        ("❤️", 2, "text-default emoji with VS16"),
        ("❤", 1, "text-default emoji alone"),
        ("1️⃣", 2, "keycap sequence"),
        ("a\u{200D}b", 2, "ZWJ between letters is zero"),
        ("\u{200B}", 0, "zero width space"),
        ("\u{FE0F}", 0, "lone variation selector"),
        ("⌚", 2, "watch (wide in the table)"),
        ("·", 1, "middle dot"),
        ("│─╭", 3, "box drawing"),
        ("␛", 1, "control picture"),
        ("Ǆ", 1, "Latin digraph"),
        ("ก\u{0E31}", 1, "Thai with a combining vowel"),
        ("\u{1100}\u{1161}\u{11A8}", 2, "Hangul jamo sequence"),
        ("👩‍💻 hi", 5, "ZWJ sequence first, then text"),
        ("👩‍💻👩‍💻", 4, "two ZWJ sequences back to back"),
        ("❤️‍🔥x", 3, "ZWJ sequence starting with a text-default emoji and VS16"),
        ("🏳‍🌈", 2, "ZWJ sequence without VS16 on a text-default first"),
        ("🐻‍❄️", 2, "ZWJ sequence ending in VS16"),
        ("🧑🏽‍💻", 2, "ZWJ sequence with a skin tone"),
        ("🫱🏻‍🫲🏿", 2, "ZWJ sequence of two modified hands"),
        ("⛹🏽‍♀️", 2, "text-default base, skin tone, ZWJ"),
        ("☝🏽", 2, "text-default base with a skin tone"),
        ("✍🏻", 2, "writing hand with a skin tone"),
        ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", 2, "tag sequence flag"),
    ]

    @Test(arguments: cases)
    func width(_ sample: (String, Int, String)) {
        #expect(DisplayWidth.of(sample.0) == sample.1, "\(sample.2)")
    }

    @Test func aGlyphSplitAcrossTwoWritesStaysOneCell() {
        // "👩" then "\u{200D}💻" in the next run: the joiner belongs to the cell before it.
        var buffer = CellBuffer(width: 8, height: 1)
        var x = buffer.write("👩", x: 0, y: 0, style: .plain)
        x = buffer.write("\u{301}", x: x, y: 0, style: .plain)
        #expect(buffer[0, 0].text == "👩\u{301}")
        #expect(x == 2)
        var start = CellBuffer(width: 8, height: 1)
        #expect(start.write("\u{301}a", x: 0, y: 0, style: .plain) == 1)
        #expect(start[0, 0].text == "a")
    }

    @Test func aZWJSequenceFirstOnARowTakesTwoCells() {
        for text in ["👩‍💻x", "❤️‍🔥x", "🏳️‍🌈x", "☝🏽x"] {
            var buffer = CellBuffer(width: 6, height: 1)
            #expect(buffer.write(text, x: 0, y: 0, style: .plain) == 3, "\(text)")
            #expect(buffer[1, 0].isContinuation, "\(text)")
            #expect(buffer[2, 0].text == "x", "\(text)")
        }
    }

    @Test func characterAndScalarAgreeOnSingleScalars() {
        for scalar in ["a", "中", "😀", "\u{301}", "é"].map({ $0.unicodeScalars.first! }) {
            #expect(DisplayWidth.of(scalar: scalar) == DisplayWidth.of(Character(scalar)))
        }
    }

    @Test func thePrefixThatFitsNeverSplitsAWideGlyph() {
        #expect(DisplayWidth.prefix("abc", fitting: 2) == ("ab", 2))
        #expect(DisplayWidth.prefix("中文字", fitting: 5) == ("中文", 4))
        #expect(DisplayWidth.prefix("a👩‍💻b", fitting: 2) == ("a", 1))
        #expect(DisplayWidth.prefix("a👩‍💻b", fitting: 3) == ("a👩‍💻", 3))
        #expect(DisplayWidth.prefix("e\u{301}x", fitting: 1) == ("e\u{301}", 1))
        #expect(DisplayWidth.prefix("", fitting: 4) == ("", 0))
        #expect(DisplayWidth.prefix("abc", fitting: 0) == ("", 0))
    }
}
