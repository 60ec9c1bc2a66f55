#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "domain/icalendar.hpp"
#include "domain_test_dates.hpp"

namespace kronos::leave::domain {
namespace {

using testing::date;

// Joins lines with CRLF, the line end RFC 5545 prescribes.
std::string ics(std::initializer_list<std::string_view> lines, std::string_view line_end = "\r\n") {
    std::string text;
    for (std::string_view line : lines) {
        text.append(line);
        text.append(line_end);
    }
    return text;
}

std::vector<std::string> describe(const std::vector<ImportedHoliday>& holidays) {
    std::vector<std::string> lines;
    for (const ImportedHoliday& holiday : holidays) {
        lines.push_back(core::format_date(holiday.date) + " " + holiday.name);
    }
    return lines;
}

HolidayImport parse_ok(const std::string& text, std::optional<YearRange> years = std::nullopt) {
    Result<HolidayImport> result = parse_icalendar(text, years);
    if (!result.ok()) {
        ADD_FAILURE() << "rejected: " << result.error().message;
        return {};
    }
    return std::move(result).value();
}

// One all-day VEVENT inside a VCALENDAR, with the given extra lines in the event.
std::string calendar_with_event(std::initializer_list<std::string_view> event_lines) {
    std::string text =
        ics({"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kronos test//EN", "BEGIN:VEVENT"});
    text += ics(event_lines);
    text += ics({"END:VEVENT", "END:VCALENDAR"});
    return text;
}

TEST(ICalendar, ParsesGovUkFeed) {
    const std::string text = ics({
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "PRODID:-//uk.gov/GOVUK calendars//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        "DTEND;VALUE=DATE:20261226",
        "DTSTART;VALUE=DATE:20261225",
        "SUMMARY:Christmas Day",
        "UID:aaaa-1@gov.uk",
        "SEQUENCE:0",
        "DTSTAMP:20260101T120000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTEND;VALUE=DATE:20261229",
        "DTSTART;VALUE=DATE:20261228",
        "SUMMARY:Boxing Day (substitute day)",
        "UID:aaaa-2@gov.uk",
        "SEQUENCE:0",
        "DTSTAMP:20260101T120000Z",
        "END:VEVENT",
        "END:VCALENDAR",
    });
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    const std::vector<std::string> expected{"2026-12-25 Christmas Day",
                                            "2026-12-28 Boxing Day (substitute day)"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, ParsesOutlookExport) {
    const std::string text = ics({
        "BEGIN:VCALENDAR",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "X-MS-OLK-FORCEINSPECTOROPEN:TRUE",
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16011028T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "CLASS:PUBLIC",
        "DESCRIPTION:\\n",
        "DTEND;VALUE=DATE:20261004",
        "DTSTAMP:20260101T101010Z",
        "DTSTART;VALUE=DATE:20261003",
        "PRIORITY:5",
        "SEQUENCE:0",
        "SUMMARY;LANGUAGE=de-de:Tag der Deutschen Einheit",
        "TRANSP:TRANSPARENT",
        "UID:040000008200E00074C5B7101A82E008",
        "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
        "BEGIN:VALARM",
        "TRIGGER:-PT15M",
        "ACTION:DISPLAY",
        "DESCRIPTION:Reminder",
        "SUMMARY:Alarm text",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    });
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty()) << result.errors.front().message;
    const std::vector<std::string> expected{"2026-10-03 Tag der Deutschen Einheit"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, AcceptsBareLineFeeds) {
    const std::string text = ics({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260101",
                                  "SUMMARY:New Year's Day", "END:VEVENT", "END:VCALENDAR"},
                                 "\n");
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    const std::vector<std::string> expected{"2026-01-01 New Year's Day"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, AcceptsMissingFinalLineEnd) {
    const std::string text =
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101\r\n"
        "SUMMARY:New Year\r\nEND:VEVENT\r\nEND:VCALENDAR";
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    EXPECT_EQ(result.holidays.size(), 1u);
}

TEST(ICalendar, SkipsByteOrderMark) {
    const std::string text =
        "\xEF\xBB\xBF" + calendar_with_event({"DTSTART:20260101", "SUMMARY:A"});
    EXPECT_EQ(parse_ok(text).holidays.size(), 1u);
}

TEST(ICalendar, UnfoldsContinuationLines) {
    const std::string text = calendar_with_event({
        "DTSTART;VALUE=DA",
        " TE:20261225",
        "SUMMARY:Christmas",
        " Day and",
        "\t more",
    });
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    const std::vector<std::string> expected{"2026-12-25 ChristmasDay and more"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, UnescapesSummary) {
    const std::string text =
        calendar_with_event({"DTSTART:20261225", R"(SUMMARY:A\, B\; C \\ D\nE\NF)"});
    const HolidayImport result = parse_ok(text);
    ASSERT_EQ(result.holidays.size(), 1u);
    EXPECT_EQ(result.holidays.front().name, "A, B; C \\ D\nE\nF");
}

TEST(ICalendar, ReadsQuotedParameters) {
    const std::string text = calendar_with_event({
        "DTSTART;VALUE=DATE:20261225",
        R"(SUMMARY;LANGUAGE=en;ALTREP="http://example.com:8080/a;b,c":Christmas Day)",
    });
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    ASSERT_EQ(result.holidays.size(), 1u);
    EXPECT_EQ(result.holidays.front().name, "Christmas Day");
}

TEST(ICalendar, DateTimeStartUsesItsDate) {
    const std::string text = calendar_with_event({"DTSTART:20261225T000000Z", "SUMMARY:Xmas"});
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    const std::vector<std::string> expected{"2026-12-25 Xmas"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, DateTimeEndAtMidnightIsExclusive) {
    const HolidayImport midnight =
        parse_ok(calendar_with_event({"DTSTART;TZID=Europe/London:20261225T000000",
                                      "DTEND;TZID=Europe/London:20261226T000000", "SUMMARY:Xmas"}));
    EXPECT_EQ(describe(midnight.holidays), std::vector<std::string>{"2026-12-25 Xmas"});

    const HolidayImport noon = parse_ok(calendar_with_event(
        {"DTSTART:20261225T000000Z", "DTEND:20261226T120000Z", "SUMMARY:Xmas"}));
    const std::vector<std::string> two_days{"2026-12-25 Xmas", "2026-12-26 Xmas"};
    EXPECT_EQ(describe(noon.holidays), two_days);
}

TEST(ICalendar, MultiDayEventYieldsEachDate) {
    const HolidayImport result = parse_ok(calendar_with_event(
        {"DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227", "SUMMARY:Christmas break"}));
    const std::vector<std::string> expected{
        "2026-12-24 Christmas break", "2026-12-25 Christmas break", "2026-12-26 Christmas break"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, EndEqualToStartIsOneDay) {
    const HolidayImport result = parse_ok(calendar_with_event(
        {"DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261225", "SUMMARY:Xmas"}));
    EXPECT_TRUE(result.errors.empty());
    EXPECT_EQ(result.holidays.size(), 1u);
}

TEST(ICalendar, DurationInDaysAndWeeks) {
    const HolidayImport days = parse_ok(
        calendar_with_event({"DTSTART;VALUE=DATE:20261224", "DURATION:P2D", "SUMMARY:Break"}));
    EXPECT_EQ(days.holidays.size(), 2u);

    const HolidayImport weeks = parse_ok(
        calendar_with_event({"DTSTART;VALUE=DATE:20260803", "DURATION:P1W", "SUMMARY:Closure"}));
    ASSERT_EQ(weeks.holidays.size(), 7u);
    EXPECT_EQ(weeks.holidays.back().date, date("2026-08-09"));
}

TEST(ICalendar, SkipsCancelledEvent) {
    const HolidayImport result = parse_ok(
        calendar_with_event({"DTSTART;VALUE=DATE:20261225", "STATUS:CANCELLED", "SUMMARY:Xmas"}));
    EXPECT_TRUE(result.holidays.empty());
    EXPECT_TRUE(result.errors.empty());
}

TEST(ICalendar, SkipsMalformedEventsKeepsRest) {
    const std::string text = ics({
        "BEGIN:VCALENDAR",                     // 1
        "BEGIN:VEVENT",                        // 2
        "SUMMARY:No start",                    // 3
        "END:VEVENT",                          // 4
        "BEGIN:VEVENT",                        // 5
        "DTSTART;VALUE=DATE:20261332",         // 6
        "SUMMARY:Bad month",                   // 7
        "END:VEVENT",                          // 8
        "BEGIN:VEVENT",                        // 9
        "DTSTART;VALUE=DATE:20261225",         // 10
        "this line has no colon",              // 11
        "SUMMARY:Broken line",                 // 12
        "END:VEVENT",                          // 13
        "BEGIN:VEVENT",                        // 14
        "DTSTART;VALUE=DATE:20261226",         // 15
        "END:VEVENT",                          // 16
        "BEGIN:VEVENT",                        // 17
        "DTSTART;VALUE=DATE:20261227",         // 18
        "DTEND;VALUE=DATE:20261220",           // 19
        "SUMMARY:Ends before it starts",       // 20
        "END:VEVENT",                          // 21
        "BEGIN:VEVENT",                        // 22
        "DTSTART;VALUE=DATE:20261231",         // 23
        "DTSTART;VALUE=DATE:20270101",         // 24
        "SUMMARY:Two starts",                  // 25
        "END:VEVENT",                          // 26
        "BEGIN:VEVENT",                        // 27
        "DTSTART;VALUE=DATE:20260101T000000",  // 28
        "SUMMARY:Date with a time",            // 29
        "END:VEVENT",                          // 30
        "BEGIN:VEVENT",                        // 31
        "DTSTART;VALUE=DATE:20261225",         // 32
        "SUMMARY:Good one",                    // 33
        "END:VEVENT",                          // 34
        "END:VCALENDAR",                       // 35
    });
    const HolidayImport result = parse_ok(text);
    EXPECT_EQ(describe(result.holidays), std::vector<std::string>{"2026-12-25 Good one"});

    std::vector<std::size_t> lines;
    for (const ImportError& error : result.errors) {
        lines.push_back(error.line);
        EXPECT_FALSE(error.message.empty());
    }
    const std::vector<std::size_t> expected{2, 6, 11, 14, 19, 24, 28};
    EXPECT_EQ(lines, expected);
}

TEST(ICalendar, ErrorMessagesNameTheProblem) {
    const HolidayImport missing_start = parse_ok(calendar_with_event({"SUMMARY:No start"}));
    ASSERT_EQ(missing_start.errors.size(), 1u);
    EXPECT_EQ(missing_start.errors.front().message, "event has no DTSTART");

    const HolidayImport bad_date =
        parse_ok(calendar_with_event({"DTSTART:20260230", "SUMMARY:Impossible"}));
    ASSERT_EQ(bad_date.errors.size(), 1u);
    EXPECT_NE(bad_date.errors.front().message.find("20260230"), std::string::npos);
}

TEST(ICalendar, RejectsOverlongEvent) {
    const HolidayImport result = parse_ok(calendar_with_event(
        {"DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20280101", "SUMMARY:Two years"}));
    EXPECT_TRUE(result.holidays.empty());
    ASSERT_EQ(result.errors.size(), 1u);
}

TEST(ICalendar, RejectsNonCalendarInput) {
    const std::string inputs[] = {
        "",
        "\r\n\r\n",
        "hello world",
        "{\"holidays\": []}",
        "BEGIN:VEVENT\r\nDTSTART:20261225\r\nSUMMARY:X\r\nEND:VEVENT\r\n",
        "BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n",
        "date,name\n2026-12-25,Christmas\n",
    };
    for (const std::string& input : inputs) {
        const Result<HolidayImport> result = parse_icalendar(input);
        ASSERT_FALSE(result.ok()) << input;
        EXPECT_EQ(result.error().kind, ErrorKind::invalid);
        EXPECT_EQ(result.error().field, "body");
        EXPECT_NE(result.error().message.find("BEGIN:VCALENDAR"), std::string::npos);
    }
}

TEST(ICalendar, AcceptsLowerCaseNames) {
    const std::string text = ics({"begin:vcalendar", "begin:vevent", "dtstart;value=date:20261225",
                                  "summary:Xmas", "end:vevent", "end:vcalendar"});
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    EXPECT_EQ(result.holidays.size(), 1u);
}

TEST(ICalendar, ReportsTruncatedInput) {
    const std::string text = ics({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261224",
                                  "SUMMARY:Eve", "END:VEVENT", "BEGIN:VEVENT", "DTSTART:20261225"});
    const HolidayImport result = parse_ok(text);
    EXPECT_EQ(describe(result.holidays), std::vector<std::string>{"2026-12-24 Eve"});
    ASSERT_EQ(result.errors.size(), 2u);
    EXPECT_EQ(result.errors[0].line, 6u);
    EXPECT_EQ(result.errors[1].line, 7u);
}

TEST(ICalendar, YearlyRuleExpandsWithinRange) {
    const std::string text = calendar_with_event(
        {"DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=YEARLY", "SUMMARY:New Year"});
    const HolidayImport result = parse_ok(text, YearRange{2026, 2028});
    const std::vector<std::string> expected{"2026-01-01 New Year", "2027-01-01 New Year",
                                            "2028-01-01 New Year"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, YearlyRuleWithoutRangeYieldsStart) {
    const std::string text = calendar_with_event(
        {"DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=YEARLY", "SUMMARY:New Year"});
    EXPECT_EQ(describe(parse_ok(text).holidays), std::vector<std::string>{"2025-01-01 New Year"});
}

struct RuleCase {
    const char* name;
    std::string_view rrule;
    std::vector<int> expected_years;
};

TEST(ICalendar, YearlyRuleLimits) {
    const RuleCase cases[] = {
        {"count", "RRULE:FREQ=YEARLY;COUNT=3", {2026, 2027}},
        {"until date", "RRULE:FREQ=YEARLY;UNTIL=20271231", {2026, 2027}},
        {"until date-time", "RRULE:FREQ=YEARLY;UNTIL=20270501T000000Z", {2026, 2027}},
        {"until before occurrence", "RRULE:FREQ=YEARLY;UNTIL=20270430", {2026}},
        {"interval", "RRULE:FREQ=YEARLY;INTERVAL=2", {2027, 2029}},
        {"matching by-parts",
         "RRULE:FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1;WKST=MO",
         {2026, 2027, 2028, 2029, 2030}},
    };
    for (const RuleCase& c : cases) {
        // DTSTART is 2025-05-01, so COUNT=3 means 2025, 2026 and 2027.
        const std::string text =
            calendar_with_event({"DTSTART;VALUE=DATE:20250501", c.rrule, "SUMMARY:May Day"});
        const HolidayImport result = parse_ok(text, YearRange{2026, 2030});
        EXPECT_TRUE(result.errors.empty()) << c.name;
        std::vector<int> years;
        for (const ImportedHoliday& holiday : result.holidays) {
            years.push_back(static_cast<int>(holiday.date.year()));
        }
        EXPECT_EQ(years, c.expected_years) << c.name;
    }
}

TEST(ICalendar, YearlyRuleSkipsMissingLeapDay) {
    const std::string text = calendar_with_event(
        {"DTSTART;VALUE=DATE:20240229", "RRULE:FREQ=YEARLY;COUNT=2", "SUMMARY:Leap"});
    const HolidayImport result = parse_ok(text, YearRange{2024, 2032});
    const std::vector<std::string> expected{"2024-02-29 Leap", "2028-02-29 Leap"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, ExcludedDatesAreSkipped) {
    const std::string text =
        calendar_with_event({"DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY",
                             "EXDATE;VALUE=DATE:20270101,20290101", "SUMMARY:New Year"});
    const HolidayImport result = parse_ok(text, YearRange{2026, 2029});
    const std::vector<std::string> expected{"2026-01-01 New Year", "2028-01-01 New Year"};
    EXPECT_EQ(describe(result.holidays), expected);
}

TEST(ICalendar, UnsupportedRuleReported) {
    const std::string_view rules[] = {
        "RRULE:FREQ=MONTHLY",           "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
        "RRULE:FREQ=YEARLY;BYMONTH=6",  "RRULE:COUNT=2",
        "RRULE:FREQ=YEARLY;INTERVAL=0",
    };
    for (std::string_view rule : rules) {
        const std::string text =
            calendar_with_event({"DTSTART;VALUE=DATE:20261126", rule, "SUMMARY:Thanksgiving"});
        const HolidayImport result = parse_ok(text, YearRange{2026, 2027});
        EXPECT_TRUE(result.holidays.empty()) << rule;
        ASSERT_EQ(result.errors.size(), 1u) << rule;
        EXPECT_EQ(result.errors.front().line, 6u) << rule;
    }
}

TEST(ICalendar, ReadsSeveralCalendars) {
    std::string text = calendar_with_event({"DTSTART:20261225", "SUMMARY:A"});
    text += calendar_with_event({"DTSTART:20261226", "SUMMARY:B"});
    const HolidayImport result = parse_ok(text);
    EXPECT_TRUE(result.errors.empty());
    EXPECT_EQ(result.holidays.size(), 2u);
}

}  // namespace
}  // namespace kronos::leave::domain
