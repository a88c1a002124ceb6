import Foundation

/// Reads how long a server asks a client to wait before trying again.
///
/// OpenAI sends `retry-after-ms` (milliseconds) next to `Retry-After`; the standard header holds
/// either seconds or an HTTP date. The most precise one present wins.
public enum RetryAfter {
    /// The delay in seconds, or nil when no header says anything usable.
    /// - Parameter headers: response headers with lowercased names.
    public static func delay(from headers: [String: String], now: Date = Date()) -> Double? {
        if let ms = headers["retry-after-ms"].flatMap(number), ms >= 0 {
            return ms / 1000
        }
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if let seconds = number(value) {
            return seconds >= 0 ? seconds : nil
        }
        if let date = httpDate(value) {
            return max(0, date.timeIntervalSince(now))
        }
        return nil
    }

    /// Parses the three date forms HTTP allows (IMF-fixdate, RFC 850, asctime).
    public static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    private static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }
}
