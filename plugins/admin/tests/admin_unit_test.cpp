// The admin: section is decoded strictly, its time zone checked against the
// tz database; audit entries and the jobs overview have the API's shapes; the
// shop's calendar puts instants on Lagos days, ISO weeks and months; CSV
// records are RFC 4180 and defuse formulas.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <agape/json.h>
#include <agape/testing/config_text.h>

#include "admin_config.h"
#include "audit_api.h"
#include "csv.h"
#include "dashboard_api.h"
#include "jobs_api.h"
#include "report_cache.h"
#include "shop_calendar.h"

namespace agape::admin {
namespace {

namespace fs = std::filesystem;

AdminConfig decode(const std::string& y) { return agape::testing::decodeSection(y, "admin", decodeAdminConfig); }
std::string errorOf(const std::string& y) { return agape::testing::sectionError(y, "admin", decodeAdminConfig); }

// A tz database of two zones in a fresh folder, as TZDIR while it lives.
class FakeZoneinfo {
 public:
  FakeZoneinfo() : dir_(fs::temp_directory_path() / ("agape-admin-tz-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_ / "Africa");
    std::ofstream(dir_ / "Africa" / "Lagos") << "TZif2 and more";
    std::ofstream(dir_ / "UTC") << "TZif2";
    std::ofstream(dir_ / "zone.tab") << "# a table, not a zone";
    const char* old = std::getenv("TZDIR");
    if (old) old_ = old;
    ::setenv("TZDIR", dir_.c_str(), 1);
  }
  ~FakeZoneinfo() {
    if (old_.empty()) ::unsetenv("TZDIR");
    else ::setenv("TZDIR", old_.c_str(), 1);
    fs::remove_all(dir_);
  }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
  std::string old_;
};

TEST(AdminConfig, AbsentOrEmptySectionTakesLagos) {
  FakeZoneinfo tz;
  EXPECT_EQ(decode("other: 1\n").timeZone, "Africa/Lagos");
  EXPECT_EQ(decode("admin:\n").timeZone, "Africa/Lagos");
  EXPECT_EQ(decode("admin: {}\n").timeZone, "Africa/Lagos");
  EXPECT_EQ(decode("admin:\n  timeZone: UTC\n").timeZone, "UTC");
}

TEST(AdminConfig, RefusesUnknownZonesAndKeys) {
  FakeZoneinfo tz;
  const std::string e = errorOf("admin:\n  timeZone: Africa/Abuja\n");
  EXPECT_EQ(e.rfind("admin.timeZone: \"Africa/Abuja\" is not a time zone of the tz database in " + tz.path(), 0), 0u) << e;
  EXPECT_NE(e.find("agape.yaml:2:13"), std::string::npos) << e;
  EXPECT_NE(errorOf("admin:\n  timeZone: Africa\n").find("admin.timeZone"), std::string::npos);    // a folder
  EXPECT_NE(errorOf("admin:\n  timeZone: zone.tab\n").find("admin.timeZone"), std::string::npos);  // not TZif
  EXPECT_NE(errorOf("admin:\n  timeZone: \"\"\n").find("admin.timeZone"), std::string::npos);
  EXPECT_NE(errorOf("admin:\n  timezone: UTC\n").find("unknown key"), std::string::npos);
}

TEST(AdminConfig, ZoneNamesCannotLeaveTheDatabase) {
  FakeZoneinfo tz;
  EXPECT_TRUE(isTimeZone("Africa/Lagos", tz.path()));
  for (const char* bad : {"../UTC", "Africa/../UTC", "/UTC", "Africa//Lagos", "Africa/Lagos/", ".UTC", "Africa/Lagos\n",
                          "Africa Lagos", ""})
    EXPECT_FALSE(isTimeZone(bad, tz.path())) << bad;
  // Without a database, even the default is refused (with its remedy).
  ::setenv("TZDIR", (tz.path() + "/missing").c_str(), 1);
  EXPECT_NE(errorOf("other: 1\n").find("install the tzdata package or set TZDIR"), std::string::npos);
}

TEST(AdminConfig, TheServersDatabaseKnowsLagos) {
  if (!fs::exists("/usr/share/zoneinfo/Africa/Lagos")) GTEST_SKIP() << "no tz database on this machine";
  EXPECT_TRUE(isTimeZone("Africa/Lagos", "/usr/share/zoneinfo"));
  EXPECT_TRUE(isTimeZone("Etc/GMT+1", "/usr/share/zoneinfo"));
  EXPECT_FALSE(isTimeZone("Mars/Olympus_Mons", "/usr/share/zoneinfo"));
}

TEST(AuditEntryJson, ParsesDetailsAndNullsWhatIsMissing) {
  AuditEntry e{.id = "7", .at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'515'300'250)),
               .actor = "u-1", .action = "product.update", .entity = "product", .entityId = "p-1",
               .details = R"({"price":1500000})", .requestId = "req-1", .ip = "10.0.0.9"};
  Json j = Json::parse(auditEntrySchema().encode(auditEntryView(e)));
  EXPECT_EQ(j["at"], "2026-11-24T10:15:00.250Z");
  EXPECT_EQ(j["details"]["price"], 1'500'000);
  EXPECT_EQ(j["requestId"], "req-1");
  EXPECT_EQ(j["ip"], "10.0.0.9");
  e.details = "not json";
  e.requestId.clear();
  e.ip.clear();
  j = Json::parse(auditEntrySchema().encode(auditEntryView(e)));
  EXPECT_TRUE(j["details"].is_null());
  EXPECT_TRUE(j["requestId"].is_null());
  EXPECT_TRUE(j["ip"].is_null());
}

TEST(JobsOverview, FiltersTheQueuesAndCutsThePage) {
  const std::vector<QueueStats> stats = {{.queue = "a", .pending = 1, .dead = 2, .oldestPendingSeconds = 1.5},
                                         {.queue = "b", .done = 4, .dead = 1}};
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'478'400'000));
  const std::vector<DeadJob> newest = {{"3", "a", R"({"n":3})", 5, "boom", at},
                                       {"2", "b", "plain text", 1, "bang", at},
                                       {"1", "a", "[1]", 5, "boom", at}};
  const auto overview = [&](const std::vector<DeadJob>& jobs, std::string_view queue, int page, int limit) {
    return Json::parse(jobsOverviewSchema().encode(jobsOverview(stats, jobs, queue, page, limit)));
  };
  Json all = overview(newest, "", 1, 2);
  ASSERT_EQ(all["queues"].size(), 2u);
  EXPECT_EQ(all["queues"][0], Json::parse(R"({"queue":"a","pending":1,"running":0,"done":0,"failed":0,"dead":2,)"
                                          R"("oldestPendingSeconds":1.5})"));
  ASSERT_EQ(all["deadLetters"]["data"].size(), 2u);
  EXPECT_EQ(all["deadLetters"]["data"][0], Json::parse(R"({"id":"3","queue":"a","payload":{"n":3},"attempts":5,)"
                                                       R"("lastError":"boom","failedAt":"2026-11-24T00:00:00Z"})"));
  EXPECT_EQ(all["deadLetters"]["data"][1]["payload"], "plain text");
  EXPECT_EQ(all["deadLetters"]["meta"], Json::parse(R"({"page":1,"limit":2,"total":3,"totalPages":2})"));
  const Json second = overview(newest, "", 2, 2);
  ASSERT_EQ(second["deadLetters"]["data"].size(), 1u);
  EXPECT_EQ(second["deadLetters"]["data"][0]["payload"], Json::array({1}));
  EXPECT_TRUE(overview(newest, "", 3, 2)["deadLetters"]["data"].empty());

  const Json b = overview({newest[1]}, "b", 1, 20);
  ASSERT_EQ(b["queues"].size(), 1u);
  EXPECT_EQ(b["queues"][0]["queue"], "b");
  EXPECT_EQ(b["deadLetters"]["meta"]["total"], 1);
  EXPECT_TRUE(overview({}, "none", 1, 20)["queues"].empty());
}

// 2026-11-24T00:00:00Z as Unix ms, and the day number of 2026-11-24.
constexpr long long kNov24Utc = 1'795'478'400'000;
constexpr int kNov24 = 20'781;
constexpr long long kHourMs = 3'600'000;

TEST(ShopCalendar, LagosDaysBeginAtElevenPmUtc) {
  const ShopCalendar lagos("Africa/Lagos");
  ASSERT_EQ(ShopCalendar::isoDate(kNov24), "2026-11-24");
  // 22:59:59.999Z is 23:59:59.999 in Lagos (UTC+1, no summer time): still the 24th.
  EXPECT_EQ(lagos.dayOf(kNov24Utc + 23 * kHourMs - 1), kNov24);
  EXPECT_EQ(lagos.dayOf(kNov24Utc + 23 * kHourMs), kNov24 + 1);
  EXPECT_EQ(lagos.dayOf(kNov24Utc - kHourMs), kNov24);  // 23:00Z the day before
  EXPECT_EQ(lagos.dayOf(kNov24Utc - kHourMs - 1), kNov24 - 1);
  EXPECT_EQ(lagos.startOf(kNov24), kNov24Utc - kHourMs);
  const ShopCalendar utc("UTC");
  EXPECT_EQ(utc.dayOf(kNov24Utc + 23 * kHourMs), kNov24);
  EXPECT_EQ(utc.startOf(kNov24), kNov24Utc);
}

TEST(ShopCalendar, DaysFollowSummerTimeWhereThereIsSome) {
  // London: 2026-03-29 is 23 hours long (01:00 GMT becomes 02:00 BST).
  const ShopCalendar london("Europe/London");
  int mar29 = 0, mar30 = 0;
  ASSERT_TRUE(ShopCalendar::parseDate("2026-03-29", mar29));
  ASSERT_TRUE(ShopCalendar::parseDate("2026-03-30", mar30));
  EXPECT_EQ(london.startOf(mar30) - london.startOf(mar29), 23 * kHourMs);
  EXPECT_EQ(london.dayOf(london.startOf(mar30) - 1), mar29);
  EXPECT_EQ(london.dayOf(london.startOf(mar30)), mar30);
}

TEST(ShopCalendar, BucketsAreIsoWeeksAndMonths) {
  // 2026-11-24 is a Tuesday of ISO week 48; 2027-01-01 (a Friday) is in 2026-W53.
  EXPECT_EQ(ShopCalendar::isoDate(ShopCalendar::bucketStart(kNov24, Bucket::Week)), "2026-11-23");
  EXPECT_EQ(ShopCalendar::label(kNov24, Bucket::Week), "2026-W48");
  EXPECT_EQ(ShopCalendar::isoDate(ShopCalendar::nextBucket(kNov24, Bucket::Week)), "2026-11-30");
  EXPECT_EQ(ShopCalendar::label(kNov24, Bucket::Month), "2026-11");
  EXPECT_EQ(ShopCalendar::isoDate(ShopCalendar::bucketStart(kNov24, Bucket::Month)), "2026-11-01");
  EXPECT_EQ(ShopCalendar::isoDate(ShopCalendar::nextBucket(kNov24, Bucket::Month)), "2026-12-01");
  int jan1 = 0;
  ASSERT_TRUE(ShopCalendar::parseDate("2027-01-01", jan1));
  EXPECT_EQ(ShopCalendar::label(jan1, Bucket::Week), "2026-W53");
  EXPECT_EQ(ShopCalendar::isoDate(ShopCalendar::nextBucket(jan1 - 1, Bucket::Month)), "2027-01-01");
  EXPECT_EQ(ShopCalendar::label(kNov24, Bucket::Day), "2026-11-24");
}

TEST(ShopCalendar, ParsesRealDatesOnly) {
  int d = 0;
  EXPECT_TRUE(ShopCalendar::parseDate("2028-02-29", d));
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-11-31", "2026-1-01", "26-11-24", "2026/11/24",
                          "2026-11-24T00:00:00Z", "", "1969-12-31", "２０２６-11-24"})
    EXPECT_FALSE(ShopCalendar::parseDate(bad, d)) << bad;
}

TEST(Csv, QuotesWhatNeedsItAndDefusesFormulas) {
  std::string out;
  CsvRecord r(out);
  r.text("plain").text("Bello, Jr.").text("\"Tee\" Williams").text("two\r\nlines").text("=HYPERLINK(\"x\")");
  r.text("+234").text("-2").text("@SUM(A1)").text("\tx").text("\rx").text("").plain("-1").amount(1250050).amount(7);
  r.integer(-3);
  r.end();
  EXPECT_EQ(out, "plain,\"Bello, Jr.\",\"\"\"Tee\"\" Williams\",\"two\r\nlines\",\"'=HYPERLINK(\"\"x\"\")\","
                 "'+234,'-2,'@SUM(A1),'\tx,\"'\rx\",,-1,12500.50,0.07,-3\r\n");
}

TEST(DashboardStats, ComparesWithThePreviousPeriod) {
  const ShopCalendar lagos("Africa/Lagos");
  SalesFigures now, before;
  now.orders = 3;
  now.keptOrders = 2;
  now.revenue = 30'000;
  before.keptOrders = 1;
  before.revenue = 20'000;
  before.orders = 1;
  const Json j = Json::parse(dashboardStatsSchema().encode(
      dashboardStats(now, {kNov24 - 29, kNov24}, before, {kNov24 - 59, kNov24 - 30}, lagos, "NGN")));
  EXPECT_EQ(j["timeZone"], "Africa/Lagos");
  EXPECT_EQ(j["current"]["from"], "2026-10-26");
  EXPECT_EQ(j["current"]["to"], "2026-11-24");
  EXPECT_EQ(j["previous"]["to"], "2026-10-25");
  EXPECT_EQ(j["current"]["revenue"], Json::parse(R"({"amount":30000,"currency":"NGN"})"));
  EXPECT_EQ(j["current"]["averageOrderValue"]["amount"], 15'000);
  EXPECT_DOUBLE_EQ(j["change"]["revenue"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["change"]["averageOrderValue"].get<double>(), -0.25);
  EXPECT_DOUBLE_EQ(j["change"]["orders"].get<double>(), 2.0);
  EXPECT_TRUE(j["change"]["newCustomers"].is_null());  // nothing before
}

TEST(ReportCache, KeepsAnAnswerForItsTtlAndStaysSmall) {
  int made = 0;
  auto make = [&] { return "answer " + std::to_string(++made); };
  ReportCache off(std::chrono::milliseconds(0));
  EXPECT_EQ(off.get("stats", make), "answer 1");
  EXPECT_EQ(off.get("stats", make), "answer 2");  // 0: every request reads the model

  ReportCache hour(std::chrono::hours(1), 3);
  made = 0;
  EXPECT_EQ(hour.get("a", make), "answer 1");
  EXPECT_EQ(hour.get("a", make), "answer 1");
  EXPECT_EQ(hour.get("b", make), "answer 2");
  EXPECT_EQ(hour.get("c", make), "answer 3");
  EXPECT_EQ(hour.get("d", make), "answer 4");  // full: emptied, then d kept
  EXPECT_EQ(hour.get("a", make), "answer 5");
  EXPECT_EQ(hour.get("d", make), "answer 4");
}

TEST(AdminConfig, TheReportCacheTtlIsBounded) {
  FakeZoneinfo tz;
  EXPECT_EQ(decode("admin:\n  reportCacheTtl: 0s\n").reportCacheTtl.count(), 0);
  EXPECT_EQ(decode("other: 1\n").reportCacheTtl, std::chrono::seconds(10));
  EXPECT_NE(errorOf("admin:\n  reportCacheTtl: 1h\n").find("admin.reportCacheTtl"), std::string::npos);
  EXPECT_NE(errorOf("admin:\n  currency: naira\n").find("admin.currency"), std::string::npos);
}

}  // namespace
}  // namespace agape::admin
