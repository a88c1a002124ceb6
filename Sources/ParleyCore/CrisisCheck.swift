#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A deterministic check of the user's own words for crisis language (suicide, self-harm), in
/// English and Chinese. On a match Parley shows a fixed notice pointing to emergency services and
/// crisis lines, whatever the model says — the check never depends on a model.
///
/// It errs towards showing the notice: a false alarm costs a few lines of text, a miss could cost
/// far more.
public enum CrisisCheck {
    /// The notice shown on a match. Fixed text: no model, persona or file can change it.
    public static let notice = """
        It sounds like you may be going through something very painful. You deserve support right now. \
        If you are in danger, call your local emergency number (112 in Europe, 911 in North America, \
        999 in the UK, 120 in China). You can talk to a crisis line at any hour: 988 in the US and \
        Canada (call or text), Samaritans 116 123 in the UK and Ireland, or find one for your country \
        at findahelpline.com.
        """

    /// Phrases matched after lowercasing and collapsing whitespace and apostrophes.
    static let englishPhrases = [
        "suicide", "suicidal", "kill myself", "killing myself", "end my life", "ending my life",
        "take my own life", "taking my own life", "want to die", "wanna die", "wish i was dead",
        "wish i were dead", "better off dead", "no reason to live", "nothing to live for",
        "dont want to live", "do not want to live", "dont want to be alive", "end it all",
        "self harm", "self-harm", "selfharm", "hurt myself", "hurting myself", "harm myself",
        "cut myself", "cutting myself", "overdose", "hang myself", "jump off a bridge",
    ]

    /// Chinese phrases (simplified and traditional), matched as substrings.
    static let chinesePhrases = [
        "自杀", "自殺", "想死", "不想活", "结束生命", "結束生命", "结束自己", "結束自己", "轻生", "輕生",
        "自残", "自殘", "自伤", "自傷", "割腕", "活不下去", "了结自己", "了結自己", "跳楼", "跳樓", "寻死", "尋死",
    ]

    /// True when the text contains crisis language.
    ///
    /// Both searches run on UTF-8 bytes: comparing characters cost about 2 s per MiB,
    /// and the check runs on every message up to the input cap. A byte match may also fall inside
    /// a grapheme a character match would skip (a phrase followed by a combining mark), which only
    /// errs further towards the notice.
    public static func matches(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        for phrase in chinesePhrases where contains(phrase, in: bytes) { return true }
        bytes = normalize(bytes)
        for phrase in englishPhrases where contains(phrase, in: bytes) { return true }
        return false
    }

    /// Lowercase, apostrophes dropped (so "don't" and "dont" match), runs of whitespace made one
    /// space, and a space on each side so phrases match whole words at the edges too.
    static func normalize(_ text: String) -> String {
        String(decoding: normalize(Array(text.utf8)), as: UTF8.self)
    }

    /// `normalize` on UTF-8 bytes: ASCII byte by byte, other scalars through their lowercase form.
    private static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x20]
        out.reserveCapacity(bytes.count + 2)
        var lastWasSpace = true
        func space() {
            if !lastWasSpace { out.append(0x20) }
            lastWasSpace = true
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                if byte == UInt8(ascii: "'") { continue }
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    space()
                } else {
                    out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                    lastWasSpace = false
                }
                continue
            }
            // One scalar of two to four bytes (the text came from a String: valid UTF-8).
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            let end = min(bytes.count, index + length)
            var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for next in bytes[(index + 1)..<end] { value = value << 6 | UInt32(next & 0x3F) }
            let start = index
            index = end
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar == "\u{2019}" || scalar == "\u{2018}" { continue }
            if scalar.properties.isWhitespace {
                space()
            } else if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                lastWasSpace = false
            } else {
                out.append(contentsOf: bytes[start..<end])
                lastWasSpace = false
            }
        }
        space()
        if out.last != 0x20 { out.append(0x20) }
        return out
    }

    /// A byte search: `memchr` finds each candidate first byte, `memcmp` checks the rest.
    private static func contains(_ phrase: String, in bytes: [UInt8]) -> Bool {
        let needle = Array(phrase.utf8)
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            guard let base = haystack.baseAddress else { return false }
            let lastStart = haystack.count - needle.count
            var start = 0
            while start <= lastStart {
                guard let hit = memchr(base + start, Int32(first), lastStart - start + 1) else { return false }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, needle, needle.count) == 0 { return true }
                start = at + 1
            }
            return false
        }
    }
}
