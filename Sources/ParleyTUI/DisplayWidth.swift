/// How many terminal columns text takes, independent of the C library's locale tables.
///
/// The unit is the grapheme cluster (Swift's `Character`): East Asian Wide and Fullwidth characters
/// take 2 columns, combining marks, format characters (ZWJ, bidi marks) and variation selectors 0,
/// and an emoji presentation sequence, a ZWJ sequence or a flag is one glyph of 2 columns.
/// Layout code measures with this, never with `String.count`.
public enum DisplayWidth {
    /// Columns taken by a whole string.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var asciiOnly = true
        var count = 0
        for byte in text.utf8 {
            if byte >= 0x80 || byte < 0x20 || byte == 0x7F {
                asciiOnly = false
                break
            }
            count += 1
        }
        if asciiOnly { return count }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The longest start of `text` that fits in `columns`, and the columns it takes (a wide glyph
    /// that would straddle the limit is left out whole).
    public static func prefix(_ text: String, fitting columns: Int) -> (text: String, width: Int) {
        var out = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > columns { break }
            out.append(character)
            used += w
        }
        return (out, used)
    }

    /// Columns taken by one grapheme cluster: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F && scalars.count == 1 { return first.value >= 0x20 ? 1 : 0 }
        if isRegionalIndicator(first) { return 2 }
        if isZeroWidth(first) { return 0 }
        if isWide(first) { return 2 }
        // A text-default emoji made into an emoji by VS16, a keycap, the start of a ZWJ sequence, or
        // one given a skin tone (☝🏽: the modifier makes it an emoji presentation, two columns).
        if scalars.count > 1, first.properties.isEmoji {
            for scalar in scalars.dropFirst() {
                let v = scalar.value
                if v == 0xFE0F || v == 0x200D || v == 0x20E3 { return 2 }
                if (0x1F3FB...0x1F3FF).contains(v) && first.properties.isEmojiModifierBase { return 2 }
            }
        }
        return first.value < 0x20 || (first.value >= 0x7F && first.value < 0xA0) ? 0 : 1
    }

    /// Columns taken by one scalar on its own (used where text is not segmented).
    public static func of(scalar: Unicode.Scalar) -> Int {
        if scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0) { return 0 }
        if scalar.value < 0x7F { return 1 }
        if isZeroWidth(scalar) { return 0 }
        return isWide(scalar) || isRegionalIndicator(scalar) ? 2 : 1
    }

    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// Combining marks, format characters (ZWJ, ZWNJ, bidi marks, soft hyphen is left visible),
    /// variation selectors and Hangul medial/final jamo.
    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v == 0x00AD { return false }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return true }
        if (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) { return true }
        if v == 0x200B { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return false
        }
    }

    /// East Asian Wide (W) or Fullwidth (F), or an emoji shown as an emoji by default.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x1100 { return false }
        if v >= 0x1F000 && scalar.properties.isEmojiPresentation { return true }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if v < range.lowerBound {
                high = middle - 1
            } else if v > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15), sorted, for a binary search. Emoji above
    /// U+1F000 are found through their Emoji_Presentation property instead.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x18CFF,
        0x18D00...0x18D08, 0x1AFF0...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E,
        0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251,
        0x1F260...0x1F265, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
