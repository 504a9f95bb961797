// The real server on SQLite when its storage fails: the data directory
// removed under it (writes refused with 503 instead of going into deleted
// files; in production no empty database is ever created in its place) and
// a full disk (503 `unavailable`, /readyz 503 until a write succeeds).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/api_test.h"
#include "support/small_disk.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kJobsMigration =
    "CREATE TABLE test_jobs_done (job_id TEXT PRIMARY KEY, queue TEXT NOT NULL, pid BIGINT NOT NULL, "
    "reruns INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE test_jobs_started (job_id TEXT NOT NULL, attempt INTEGER NOT NULL, PRIMARY KEY (job_id, attempt));\n";

class SqliteStorage : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("migrations/test.jobs/sqlite/0001_init.sql", kJobsMigration);
    port_ = freePort();
    // Jobs are enqueued, never run: nothing writes but the test's requests.
    config_ = dir_.write("agape.yaml", testConfig(dir_, port_, {"test.tokens", pluginEntry("catalog"), "test.jobs"},
                                                  "jobs:\n  enabled: false\n"));
  }
  std::unique_ptr<ServerProcess> serve(const std::string& environment) {
    return std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", config_, "--set", "environment=" + environment, "--set",
                                 "logging.accessLog=false"},
        port_);
  }
  std::string database() const { return dir_.path() + "/data/agape.db"; }
  static HttpResult category(HttpClient& c, const std::string& slug) {
    return c.request("POST", "/v1/categories", Json{{"name", slug}, {"slug", slug}}.dump(), {kAdmin, kJson});
  }

  TempDir dir_;
  int port_ = 0;
  std::string config_;
};

TEST_F(SqliteStorage, ARemovedDataDirectoryRefusesWritesAndProductionNeverRecreatesIt) {
  {
    auto server = serve("development");
    ASSERT_TRUE(server->waitReady()) << server->output();
    HttpClient c(server->base());
    ASSERT_EQ(category(c, "before").status, 201);
    fs::remove_all(dir_.path() + "/data");

    const HttpResult write = category(c, "after");
    EXPECT_EQ(write.status, 503) << write.body;
    EXPECT_EQ(problemCode(write), "unavailable");
    const HttpResult ready = c.get("/readyz");
    EXPECT_EQ(ready.status, 503) << ready.body;
    const Json checks = Json::parse(ready.body, nullptr, false)["checks"];
    EXPECT_EQ(checks["database"], "down") << ready.body;
    EXPECT_EQ(checks["databaseFile"], "missing") << ready.body;
    EXPECT_FALSE(fs::exists(database())) << "nothing re-created it under the running server";
    EXPECT_EQ(server->terminate(), 0) << server->output();
    const std::string log = server->output();
    EXPECT_NE(log.find("\"level\":\"error\",\"component\":\"db\",\"msg\":\"the SQLite database file was removed"),
              std::string::npos)
        << log;
  }
  // In production a missing database is the operator's to create.
  {
    auto server = serve("production");
    EXPECT_FALSE(server->waitReady(10s));
    EXPECT_NE(server->exitCode(), 0);
    EXPECT_NE(server->output().find("agape migrate up"), std::string::npos) << server->output();
    EXPECT_FALSE(fs::exists(database()));
  }
  const CommandResult migrated = runAgape({"migrate", "up", "--config", config_, "--set", "environment=production"});
  ASSERT_EQ(migrated.exitCode, 0) << migrated.output;
  // So are its sealing keys, gone with the directory.
  const CommandResult sealed = runAgape({"secrets", "rotate", "--config", config_, "--set", "environment=production"});
  ASSERT_EQ(sealed.exitCode, 0) << sealed.output;
  ASSERT_TRUE(fs::exists(database()));
  auto server = serve("production");
  ASSERT_TRUE(server->waitReady()) << server->output();
  HttpClient c(server->base());
  EXPECT_EQ(category(c, "fresh").status, 201);
  EXPECT_EQ(server->terminate(), 0) << server->output();
}

TEST_F(SqliteStorage, AFullDiskAnswers503AndReadinessFollowsTheWrites) {
  SmallDisk disk(dir_.path() + "/data");
  if (!disk.mounted()) GTEST_SKIP() << "needs root and tmpfs to make a small disk";
  auto server = serve("development");
  ASSERT_TRUE(server->waitReady()) << server->output();
  HttpClient c(server->base());
  ASSERT_EQ(c.request("POST", "/v1/test/jobs?n=50").status, 202);
  ASSERT_EQ(c.get("/readyz").status, 200);

  disk.fill();
  // Writes large enough to need new pages fail for want of space.
  HttpResult failed;
  for (int i = 0; i < 50 && failed.status == 0; ++i) {
    const HttpResult r = c.request("POST", "/v1/test/jobs?n=500");
    if (r.status != 202) failed = r;
  }
  ASSERT_NE(failed.status, 0) << "the disk never filled up";
  EXPECT_EQ(failed.status, 503) << failed.body;
  EXPECT_EQ(problemCode(failed), "unavailable");
  const HttpResult ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(Json::parse(ready.body, nullptr, false)["checks"]["databaseWrites"], "failing") << ready.body;
  EXPECT_EQ(c.get("/healthz").status, 200);

  disk.free();
  EXPECT_EQ(c.request("POST", "/v1/test/jobs?n=500").status, 202);
  EXPECT_EQ(c.get("/readyz").status, 200);
  EXPECT_EQ(server->terminate(), 0) << server->output();
}

}  // namespace
}  // namespace agape::test
