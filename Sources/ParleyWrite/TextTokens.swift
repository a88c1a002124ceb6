import Foundation

/// Text cut into comparable units: lower-case words of letters and digits, and each Han, kana or
/// Hangul character on its own (those scripts put no spaces between words, and a character is the
/// nearest thing to a word that needs no dictionary). Word counts, the copy detector and the check
/// that a draft mentions the user's values all count in these units, so they agree with each other.
public enum TextTokens {
    /// The units of `text`, in order.
    public static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var word = ""
        func flush() {
            if !word.isEmpty { result.append(word) }
            word = ""
        }
        for scalar in text.lowercased().unicodeScalars {
            if isIdeographic(scalar) {
                flush()
                result.append(String(scalar))
            } else if CharacterSet.alphanumerics.contains(scalar) {
                // "7am" is "7 am" and "mp3" is "mp 3": digits and letters are words of their own.
                if let last = word.unicodeScalars.last, CharacterSet.decimalDigits.contains(last) != CharacterSet.decimalDigits.contains(scalar),
                    last != "'"
                {
                    flush()
                }
                word.unicodeScalars.append(scalar)
            } else if (scalar == "'" || scalar == "\u{2019}") && !word.isEmpty {
                // "don't" and "Friday's" stay one word; a closing quote is dropped below.
                word.unicodeScalars.append("'")
            } else {
                flush()
            }
        }
        flush()
        return result.map { $0.hasSuffix("'") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
    }

    /// How many words the text has (each CJK character counts as one).
    public static func wordCount(_ text: String) -> Int { tokens(text).count }

    /// A word with common English endings taken off, so "heater", "heating" and "heats" compare
    /// equal, "homes" matches "home" and "slogans" matches "slogan". Crude but symmetric: both
    /// sides of a comparison are cut the same way. CJK characters and short words are left alone.
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.unicodeScalars.allSatisfy({ $0.isASCII }) else { return word }
        var base = word
        if base.hasSuffix("'s") { base.removeLast(2) }
        if base.hasSuffix("ies"), base.count > 4 {
            base = base.dropLast(3) + "y"
        } else if base.hasSuffix("es"), base.count > 4, ["s", "x", "z", "ch", "sh"].contains(where: base.dropLast(2).hasSuffix) {
            base.removeLast(2)
        } else if let suffix = ["ings", "ing", "ers", "er", "ed", "ly"].first(where: { base.hasSuffix($0) && base.count - $0.count >= 3 }) {
            base.removeLast(suffix.count)
            // "running" and "stopped" double their consonant; "run" and "stop" do not.
            if let last = base.last, base.dropLast().last == last, !"aeioulsz".contains(last), suffix != "ly" { base.removeLast() }
        } else if base.hasSuffix("s"), !base.hasSuffix("ss") {
            base.removeLast()
        }
        // "make" and "making", "home" and "homes": the final e goes too.
        if base.hasSuffix("e"), base.count > 3 { base.removeLast() }
        return base
    }

    /// Words that carry no content of their own: a value's key words are the others.
    public static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "from", "by", "with", "about", "as",
        "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "my", "our", "your",
        "their", "his", "her", "we", "i", "you", "they", "he", "she", "me", "us", "them", "not", "no", "so", "if",
        "do", "does", "did", "has", "have", "had", "will", "would", "can", "could", "should", "may", "into", "than",
        "then", "there", "here", "what", "which", "who", "how", "when", "all", "any", "some", "more", "most", "very",
        "just", "also", "new", "one", "up", "out", "s",
        "的", "了", "和", "是", "在", "我", "你", "他", "她", "们", "这", "那", "个", "一", "有", "也", "就", "都", "与", "及",
    ]

    /// Han, kana, Hangul and CJK punctuation-free ideographs.
    static func isIdeographic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
