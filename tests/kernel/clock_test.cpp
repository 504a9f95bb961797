// The SDK's times: RFC 3339 as the API writes it, and what it reads
// (query filters, JSON fields, provider payloads).
#include <gtest/gtest.h>

#include "agape/clock.h"

namespace agape {
namespace {

constexpr long long kNov24 = 1'795'478'400'000;  // 2026-11-24T00:00:00Z

TEST(Rfc3339, WrittenInUtcWithMillisecondsOnlyWhenThereAreAny) {
  EXPECT_EQ(rfc3339(kNov24 + 36'900'000), "2026-11-24T10:15:00Z");
  EXPECT_EQ(rfc3339(kNov24 + 36'900'250), "2026-11-24T10:15:00.250Z");
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339, ReadsDatesTimesFractionsAndOffsets) {
  EXPECT_EQ(parseTime("2026-11-24"), kNov24) << "a date is its midnight UTC";
  EXPECT_EQ(parseTime("2026-11-24T10:15:00Z"), kNov24 + 36'900'000);
  EXPECT_EQ(parseTime("2026-11-24t10:15:00z"), kNov24 + 36'900'000) << "RFC 3339 allows lower case";
  EXPECT_EQ(parseTime("2026-11-24T10:15:00.25Z"), kNov24 + 36'900'250);
  EXPECT_EQ(parseTime("2026-11-24T10:15:00.123456789Z"), kNov24 + 36'900'123) << "kept to the millisecond";
  EXPECT_EQ(parseTime("2026-11-24T11:15:00+01:00"), kNov24 + 36'900'000) << "Lagos";
  EXPECT_EQ(parseTime("2026-11-24T04:45:00-05:30"), kNov24 + 36'900'000);
  EXPECT_EQ(parseTime("2026-11-24T00:30:00+01:00"), kNov24 - 1'800'000) << "the day before in UTC";
  EXPECT_EQ(parseTime("2028-02-29T00:00:00Z"), 1'835'395'200'000) << "a leap day";
}

TEST(Rfc3339, RefusesWhatIsNotOne) {
  for (const char* bad :
       {"", "2026", "2026-11", "2026-13-01", "2026-11-31", "2026-02-29", "2026-11-24T", "2026-11-24T10:15Z",
        "2026-11-24T10:15:00", "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:15:00.Z",
        "2026-11-24T10:15:00+0100", "2026-11-24T10:15:00+01:00x", "2026-11-24 10:15:00Z", "24/11/2026",
        "2026-11-24T10:15:00ZZ", " 2026-11-24", "2026-11-24 ", "+2026-11-24"})
    EXPECT_FALSE(parseTime(bad).has_value()) << bad;
}

}  // namespace
}  // namespace agape
