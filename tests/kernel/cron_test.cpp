#include "jobs/cron.h"

#include <gtest/gtest.h>

#include <ctime>
#include <stdexcept>

namespace agape::kernel {
namespace {

using std::chrono::system_clock;

system_clock::time_point utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return system_clock::from_time_t(timegm(&tm));
}

std::string show(system_clock::time_point t) {
  std::time_t secs = system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string next(const char* expr, system_clock::time_point after) {
  auto n = CronExpression::parse(expr).next(after);
  return n ? show(*n) : "never";
}

TEST(Cron, EveryMinuteIsTheNextWholeMinute) {
  EXPECT_EQ(next("* * * * *", utc(2026, 3, 10, 12, 0, 0)), "2026-03-10 12:01");
  EXPECT_EQ(next("* * * * *", utc(2026, 3, 10, 12, 0, 59)), "2026-03-10 12:01");
  EXPECT_EQ(next("* * * * *", utc(2026, 3, 10, 23, 59, 30)), "2026-03-11 00:00");
}

TEST(Cron, StepsRangesAndLists) {
  EXPECT_EQ(next("*/15 * * * *", utc(2026, 3, 10, 12, 7)), "2026-03-10 12:15");
  EXPECT_EQ(next("*/15 * * * *", utc(2026, 3, 10, 12, 45)), "2026-03-10 13:00");
  EXPECT_EQ(next("5,35 * * * *", utc(2026, 3, 10, 12, 5)), "2026-03-10 12:35");
  EXPECT_EQ(next("0 9-17/4 * * *", utc(2026, 3, 10, 14, 0)), "2026-03-10 17:00");
  EXPECT_EQ(next("0 9-17/4 * * *", utc(2026, 3, 10, 17, 0)), "2026-03-11 09:00");
  EXPECT_EQ(next("10/20 * * * *", utc(2026, 3, 10, 12, 31)), "2026-03-10 12:50");
  EXPECT_EQ(next("0 0 * * 1-5", utc(2026, 3, 13, 12, 0)), "2026-03-16 00:00");  // Fri -> Mon
  EXPECT_EQ(next("30 2 1,15 * *", utc(2026, 3, 2)), "2026-03-15 02:30");
}

TEST(Cron, CrossesMonthAndYearEnds) {
  EXPECT_EQ(next("0 0 1 * *", utc(2026, 1, 31, 23, 59)), "2026-02-01 00:00");
  EXPECT_EQ(next("0 0 1 1 *", utc(2026, 6, 1)), "2027-01-01 00:00");
  EXPECT_EQ(next("59 23 31 12 *", utc(2026, 12, 31, 23, 59)), "2027-12-31 23:59");
  EXPECT_EQ(next("0 12 31 * *", utc(2026, 4, 1)), "2026-05-31 12:00");  // April has no 31st
  EXPECT_EQ(next("* * * * *", utc(2026, 12, 31, 23, 59, 59)), "2027-01-01 00:00");
}

TEST(Cron, LeapDayAndImpossibleDates) {
  EXPECT_EQ(next("0 0 29 2 *", utc(2026, 3, 1)), "2028-02-29 00:00");
  EXPECT_EQ(next("0 0 30 2 *", utc(2026, 3, 1)), "never");
  EXPECT_EQ(next("0 0 31 4,6,9,11 *", utc(2026, 3, 1)), "never");
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th, or any Friday (Vixie cron semantics).
  EXPECT_EQ(next("0 0 13 * 5", utc(2026, 3, 1)), "2026-03-06 00:00");   // Friday 6th first
  EXPECT_EQ(next("0 0 13 * 5", utc(2026, 3, 12, 1)), "2026-03-13 00:00");
  // Only one restricted: that one alone decides.
  EXPECT_EQ(next("0 0 * * 0", utc(2026, 3, 10)), "2026-03-15 00:00");  // Sunday
  EXPECT_EQ(next("0 0 * * 7", utc(2026, 3, 10)), "2026-03-15 00:00");  // 7 is Sunday too
}

TEST(Cron, NamesAndMacros) {
  EXPECT_EQ(next("0 8 * JAN,jul mon", utc(2026, 3, 1)), "2026-07-06 08:00");
  EXPECT_EQ(next("0 0 * * SAT,SUN", utc(2026, 3, 10)), "2026-03-14 00:00");
  EXPECT_EQ(next("@hourly", utc(2026, 3, 10, 12, 30)), "2026-03-10 13:00");
  EXPECT_EQ(next("@daily", utc(2026, 3, 10, 12, 30)), "2026-03-11 00:00");
  EXPECT_EQ(next("@weekly", utc(2026, 3, 10)), "2026-03-15 00:00");
  EXPECT_EQ(next("@monthly", utc(2026, 12, 10)), "2027-01-01 00:00");
  EXPECT_EQ(next("@yearly", utc(2026, 3, 10)), "2027-01-01 00:00");
}

TEST(Cron, MatchesIgnoresSeconds) {
  auto c = CronExpression::parse("*/5 * * * *");
  EXPECT_TRUE(c.matches(utc(2026, 3, 10, 12, 5, 42)));
  EXPECT_FALSE(c.matches(utc(2026, 3, 10, 12, 6)));
}

TEST(Cron, RefusesMalformedExpressionsNamingTheField) {
  struct Case {
    const char* expr;
    const char* mentions;
  };
  const Case cases[] = {
      {"", "5 fields"},
      {"* * * *", "5 fields"},
      {"* * * * * *", "5 fields"},
      {"60 * * * *", "minute"},
      {"* 24 * * *", "hour"},
      {"* * 0 * *", "day-of-month"},
      {"* * 32 * *", "day-of-month"},
      {"* * * 13 *", "month"},
      {"* * * * 8", "day-of-week"},
      {"*/0 * * * *", "step"},
      {"5-1 * * * *", "reversed"},
      {"1,,2 * * * *", "empty"},
      {"a * * * *", "not a number"},
      {"* * * FOO *", "unknown name"},
      {"*/ * * * *", "step"},
      {"@often", "macro"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(CronExpression::tryParse(c.expr, error)) << c.expr;
    EXPECT_NE(error.find(c.mentions), std::string::npos) << c.expr << ": " << error;
  }
  EXPECT_THROW(CronExpression::parse("* * *"), std::invalid_argument);
}

}  // namespace
}  // namespace agape::kernel
