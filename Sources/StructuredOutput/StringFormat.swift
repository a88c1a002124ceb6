/// The string formats the schema subset supports, and how the validator checks them.
///
/// The grammar side writes llama.cpp's rules for these (see `GrammarPrimitives`); the validator
/// checks RFC 3339 and RFC 4122 as JSON Schema defines the formats, which is a little wider
/// (any number of fraction digits, lowercase `t` and `z`) and a little narrower (real calendar
/// days: the grammar allows 2023-02-31).
enum StringFormat: String, CaseIterable {
    case date
    case time
    case dateTime = "date-time"
    case uuid

    func accepts(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        switch self {
        case .date: return StringFormat.isDate(scalars[...])
        case .time: return StringFormat.isTime(scalars[...])
        case .dateTime:
            guard let separator = scalars.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
            return StringFormat.isDate(scalars[..<separator]) && StringFormat.isTime(scalars[(separator + 1)...])
        case .uuid: return StringFormat.isUUID(scalars)
        }
    }

    private static func number(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        guard !scalars.isEmpty else { return nil }
        var value = 0
        for scalar in scalars {
            guard ("0"..."9").contains(scalar) else { return nil }
            value = value * 10 + Int(scalar.value - 48)
        }
        return value
    }

    /// RFC 3339 full-date: YYYY-MM-DD, a day that exists in that month.
    private static func isDate(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let s = Array(s)
        guard s.count == 10, s[4] == "-", s[7] == "-",
            let year = number(s[0..<4]), let month = number(s[5..<7]), let day = number(s[8..<10]),
            (1...12).contains(month), day >= 1
        else { return false }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// RFC 3339 full-time: HH:MM:SS, optional fraction, then Z or an offset.
    private static func isTime(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let s = Array(s)
        guard s.count >= 9, s[2] == ":", s[5] == ":",
            let hour = number(s[0..<2]), let minute = number(s[3..<5]), let second = number(s[6..<8]),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = 8
        if s[i] == "." {
            i += 1
            let start = i
            while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
            guard i > start else { return false }
        }
        guard i < s.count else { return false }
        if s[i] == "Z" || s[i] == "z" { return i + 1 == s.count }
        guard s[i] == "+" || s[i] == "-", s.count == i + 6, s[i + 3] == ":",
            let offsetHour = number(s[(i + 1)..<(i + 3)]), let offsetMinute = number(s[(i + 4)..<(i + 6)])
        else { return false }
        return offsetHour <= 23 && offsetMinute <= 59
    }

    private static func isUUID(_ s: [Unicode.Scalar]) -> Bool {
        guard s.count == 36 else { return false }
        for (i, scalar) in s.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard scalar == "-" else { return false }
            } else {
                guard ("0"..."9").contains(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar) else {
                    return false
                }
            }
        }
        return true
    }
}
