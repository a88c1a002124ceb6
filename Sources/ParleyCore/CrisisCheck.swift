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
    public static func matches(_ text: String) -> Bool {
        for phrase in chinesePhrases where text.contains(phrase) { return true }
        let normalized = normalize(text)
        for phrase in englishPhrases where normalized.contains(phrase) { return true }
        return false
    }

    /// Lowercase, apostrophes dropped (so "don't" and "dont" match), runs of whitespace made one
    /// space, and a space on each side so phrases match whole words at the edges too.
    static func normalize(_ text: String) -> String {
        var out = " "
        var lastWasSpace = true
        for character in text.lowercased() {
            if character == "'" || character == "’" || character == "‘" { continue }
            if character.isWhitespace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(character)
                lastWasSpace = false
            }
        }
        return out + " "
    }
}
