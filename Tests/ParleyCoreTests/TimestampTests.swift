import Foundation
import Testing

@testable import ParleyCore

@Suite("Timestamps in files")
struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_700_000_000.25)) == "2023-11-14T22:13:20.250Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_700_000_000.9996)) == "2023-11-14T22:13:21.000Z")
    }

    @Test func parsesTheFormsOtherToolsWrite() {
        #expect(Timestamp.parse("2023-11-14T22:13:20.250Z") == Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(Timestamp.parse("2023-11-14T22:13:20Z") == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(Timestamp.parse("2023-11-14T23:13:20.5+01:00") == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(Timestamp.parse("2023-11-14T21:13:20-01:00") == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(Timestamp.parse("1969-12-31T23:59:59.999Z") == Date(timeIntervalSince1970: -0.001))
        for bad in ["", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20.Z",
                    "2023-11-14T22:13:20Zjunk", "２０２３-11-14T22:13:20Z", "2023-11-14 22:13:20Z"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    /// Re-saving a loaded conversation must not move its dates, not even by a millisecond.
    @Test func formattingAParsedTimestampGivesTheSameText() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let seconds = Double(Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &rng)) / 1000
            let text = Timestamp.format(Date(timeIntervalSince1970: seconds))
            let parsed = Timestamp.parse(text)
            #expect(parsed != nil, "\(text)")
            if let parsed {
                #expect(Timestamp.format(parsed) == text)
                #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.001)
            }
        }
    }

    @Test func civilDayArithmeticMatchesTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // From 1583 on: Foundation switches to the Julian calendar before the Gregorian reform.
        for days in stride(from: -141_000 as Int64, through: 2_900_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = Timestamp.civil(fromDays: days)
            #expect(civil.year == Int64(parts.year!) && civil.month == Int64(parts.month!) && civil.day == Int64(parts.day!))
            #expect(Timestamp.daysFromCivil(year: civil.year, month: civil.month, day: civil.day) == days)
        }
    }
}
