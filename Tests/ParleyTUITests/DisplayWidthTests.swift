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
    ]

    @Test(arguments: cases)
    func width(_ sample: (String, Int, String)) {
        #expect(DisplayWidth.of(sample.0) == sample.1, "\(sample.2)")
    }

    @Test func characterAndScalarAgreeOnSingleScalars() {
        for scalar in ["a", "中", "😀", "\u{301}", "é"].map({ $0.unicodeScalars.first! }) {
            #expect(DisplayWidth.of(scalar: scalar) == DisplayWidth.of(Character(scalar)))
        }
    }
}
