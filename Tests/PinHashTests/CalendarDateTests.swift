import Foundation
import PinHash
import Testing

@Suite("Calendar dates of pin-set expirations")
struct CalendarDateTests {
    @Test(
        "Days since 1970-01-01 are GNU date's seconds since the epoch over 86,400",
        arguments: [
            "1970-01-01", "1969-12-31", "2000-02-29", "2026-11-26", "2100-03-01", "1600-02-29", "9999-12-31",
        ])
    func daysSinceEpoch(text: String) throws {
        let date = try #require(CalendarDate(iso8601: text))
        #expect(date.description == text)
        let result = try ExternalCommand.run("/bin/date", ["-u", "-d", "\(text)T00:00:00Z", "+%s"])
        try #require(result.succeeded, "date: \(result.firstErrorLine)")
        let seconds = try #require(Int(result.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(date.daysSinceUnixEpoch * 86_400 == seconds)
    }

    @Test(
        "What is not a real day written as YYYY-MM-DD is refused",
        arguments: [
            "2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-11-01", "2026-1-01",
            "2026-11-26T00:00:00Z", "+026-11-26", "2026-11-2x", "0000-01-01", "",
        ])
    func refused(text: String) {
        #expect(CalendarDate(iso8601: text) == nil)
    }

    @Test(
        "A day plus N days is GNU date's 'DAY + N days'",
        arguments: [
            ("2026-05-01", 30), ("2026-05-01", 60), ("2028-02-28", 1), ("2100-02-28", 1), ("1970-01-01", -1),
            ("2026-12-31", 365), ("1600-03-01", -1), ("9999-12-30", 1), ("0001-01-02", -1),
        ])
    func addingDays(text: String, days: Int) throws {
        let date = try #require(CalendarDate(iso8601: text))
        let result = try ExternalCommand.run("/bin/date", ["-u", "-d", "\(text) \(days) days", "+%Y-%m-%d"])
        try #require(result.succeeded, "date: \(result.firstErrorLine)")
        let expected = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(date.adding(days: days)?.description == expected)
    }

    @Test("No day is made past 9999-12-31 or before 0001-01-01")
    func addingPastTheRange() throws {
        #expect(try #require(CalendarDate(iso8601: "9999-12-31")).adding(days: 1) == nil)
        #expect(try #require(CalendarDate(iso8601: "0001-01-01")).adding(days: -1) == nil)
    }

    @Test("Dates order as days do")
    func ordering() throws {
        let earlier = try #require(CalendarDate(iso8601: "2026-11-26"))
        let later = try #require(CalendarDate(iso8601: "2027-01-01"))
        #expect(earlier < later)
        #expect(!(later < earlier))
    }
}
