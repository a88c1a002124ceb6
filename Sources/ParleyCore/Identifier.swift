import Foundation

/// Identifiers for conversations and messages: lowercase, time-ordered, safe as file names.
///
/// The form is `yyyyMMdd-HHmmss-xxxxxx` (UTC time and 6 random base-32 characters), so a listing sorted
/// by name is roughly chronological and a user can type a short unique prefix.
public enum Identifier {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    public static func make(now: Date = Date()) -> String {
        var rng = SystemRandomNumberGenerator()
        return make(now: now, using: &rng)
    }

    public static func make<R: RandomNumberGenerator>(now: Date, using rng: inout R) -> String {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        var t = time_t(seconds)
        gmtime_r(&t, &tm)
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1,
            Int(tm.tm_mday), Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec))
        let suffix = String((0..<6).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        return stamp + "-" + suffix
    }

    /// True when `text` can be used as an identifier, and so as a file name: no path separators,
    /// no dots at the start, only `[0-9a-zA-Z_-]`.
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 128 else { return false }
        return text.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x2D || b == 0x5F
        }
    }
}
