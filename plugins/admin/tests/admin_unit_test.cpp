// The admin: section is decoded strictly, its time zone checked against the
// tz database; audit entries and the jobs overview have the API's shapes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "admin_config.h"
#include "audit_api.h"
#include "jobs_api.h"
#include "section_decode_support.h"

namespace agape::admin {
namespace {

namespace fs = std::filesystem;

AdminConfig decode(const std::string& y) { return test::decodeSection(y, "admin", decodeAdminConfig); }
std::string errorOf(const std::string& y) { return test::sectionError(y, "admin", decodeAdminConfig); }

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
  Json j = auditEntryJson(e);
  EXPECT_EQ(j["at"], "2026-11-24T10:15:00.250Z");
  EXPECT_EQ(j["details"]["price"], 1'500'000);
  EXPECT_EQ(j["requestId"], "req-1");
  EXPECT_EQ(j["ip"], "10.0.0.9");
  e.details = "not json";
  e.requestId.clear();
  e.ip.clear();
  j = auditEntryJson(e);
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
  Json all = jobsOverview(stats, newest, "", {.page = 1, .limit = 2});
  ASSERT_EQ(all["queues"].size(), 2u);
  EXPECT_EQ(all["queues"][0], Json::parse(R"({"queue":"a","pending":1,"running":0,"done":0,"failed":0,"dead":2,)"
                                          R"("oldestPendingSeconds":1.5})"));
  ASSERT_EQ(all["deadLetters"]["data"].size(), 2u);
  EXPECT_EQ(all["deadLetters"]["data"][0], Json::parse(R"({"id":"3","queue":"a","payload":{"n":3},"attempts":5,)"
                                                       R"("lastError":"boom","failedAt":"2026-11-24T00:00:00Z"})"));
  EXPECT_EQ(all["deadLetters"]["data"][1]["payload"], "plain text");
  EXPECT_EQ(all["deadLetters"]["meta"], Json::parse(R"({"page":1,"limit":2,"total":3,"totalPages":2})"));
  const Json second = jobsOverview(stats, newest, "", {.page = 2, .limit = 2});
  ASSERT_EQ(second["deadLetters"]["data"].size(), 1u);
  EXPECT_EQ(second["deadLetters"]["data"][0]["payload"], Json::array({1}));
  EXPECT_TRUE(jobsOverview(stats, newest, "", {.page = 3, .limit = 2})["deadLetters"]["data"].empty());

  const Json b = jobsOverview(stats, {newest[1]}, "b", {.page = 1, .limit = 20});
  ASSERT_EQ(b["queues"].size(), 1u);
  EXPECT_EQ(b["queues"][0]["queue"], "b");
  EXPECT_EQ(b["deadLetters"]["meta"]["total"], 1);
  EXPECT_TRUE(jobsOverview(stats, {}, "none", {})["queues"].empty());
}

}  // namespace
}  // namespace agape::admin
