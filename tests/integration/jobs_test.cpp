// Durable jobs through the real binary on PostgreSQL: a server killed with
// SIGKILL mid-job loses nothing (the job completes once after its lease
// expires), and two servers on one database share 10,000 jobs, each run to
// success exactly once, and fire a cron tick once.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "support/http_client.h"
#include "support/server_process.h"
#ifdef AGAPE_WITH_PG
#include "support/pg_schema.h"
#endif

namespace agape::test {
namespace {

using namespace std::chrono_literals;

#ifdef AGAPE_WITH_PG

const char* kMigration =
    "CREATE TABLE test_jobs_done (job_id TEXT PRIMARY KEY, queue TEXT NOT NULL, pid BIGINT NOT NULL, "
    "reruns INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE test_jobs_started (job_id TEXT NOT NULL, attempt INTEGER NOT NULL, PRIMARY KEY (job_id, attempt));\n";

class JobsServe : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* pg = std::getenv("AGAPE_TEST_PG_URL");
    if (!pg) GTEST_SKIP() << "AGAPE_TEST_PG_URL is not set (scripts/test.sh starts PostgreSQL)";
    schema_ = std::make_unique<PgSchema>(pg);
    dir_.write("migrations/test.jobs/postgresql/0001_init.sql", kMigration);
  }
  // A server on its own port sharing the schema; quiet access log.
  std::unique_ptr<ServerProcess> serve(const std::string& name) {
    const int port = freePort();
    const std::string cfg = dir_.write(
        name + ".yaml", testConfig(dir_, port, {"test.jobs"}, "jobs:\n  pollInterval: 100ms\n", schema_->url()));
    auto server = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--config", cfg,
                                                                           "--set", "logging.accessLog=false"},
                                                  port);
    return server;
  }
  long long count(const std::string& sql) { return schema_->scalar(sql); }

  TempDir dir_;
  std::unique_ptr<PgSchema> schema_;
};

TEST_F(JobsServe, AJobInterruptedByKill9CompletesOnceAfterItsLeaseExpires) {
  auto first = serve("first");
  ASSERT_TRUE(first->waitReady()) << first->output();
  HttpClient c(first->base());
  auto r = c.request("POST", "/v1/test/jobs/slow?ms=4000");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM test_jobs_started") == 1; }, 30s)) << first->output();
  first->kill9();
  // Only the slow queue's rows: the plugin's cron job ("* * * * *") writes to
  // the same table when the test crosses a minute boundary.
  EXPECT_EQ(count("SELECT count(*) FROM test_jobs_done WHERE queue = 'test.slow'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM agape_jobs WHERE queue = 'test.slow' AND status = 'running'"), 1);

  auto second = serve("second");
  ASSERT_TRUE(second->waitReady()) << second->output();
  // Lease 3 s, then the 4 s job runs again.
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM test_jobs_done WHERE queue = 'test.slow'") == 1; }, 30s))
      << second->output();
  EXPECT_EQ(count("SELECT count(*) FROM test_jobs_started"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM test_jobs_done WHERE reruns > 0"), 0);  // killed before its insert
  EXPECT_EQ(count("SELECT max(attempt) FROM test_jobs_started"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM agape_jobs WHERE queue = 'test.slow' AND status = 'done' AND attempts = 2"), 1);
  EXPECT_EQ(second->terminate(), 0) << second->output();
}

TEST_F(JobsServe, TwoServersShareTenThousandJobsAndFireEachCronTickOnce) {
  auto minuteNow = [] {
    return std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  const long long minuteBeforeStart = minuteNow();
  auto a = serve("a");
  auto b = serve("b");
  ASSERT_TRUE(a->waitReady()) << a->output();
  ASSERT_TRUE(b->waitReady()) << b->output();
  const long long minuteWhenReady = minuteNow();
  const auto started = std::chrono::steady_clock::now();
  HttpClient c(a->base());
  auto r = c.request("POST", "/v1/test/jobs?n=10000");
  ASSERT_EQ(r.status, 202) << r.body;
  auto e = c.request("POST", "/v1/test/events?n=100");
  ASSERT_EQ(e.status, 202) << e.body;

  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM test_jobs_done WHERE queue = 'test.fast'") == 10000; },
                      180s))
      << count("SELECT count(*) FROM test_jobs_done WHERE queue = 'test.fast'");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "10000 jobs on two servers in " << seconds << " s\n";
  // A handler's own insert commits before its runner records the job done
  // (successes are recorded in batches): wait for the records too.
  EXPECT_TRUE(eventually([&] { return count("SELECT count(*) FROM agape_jobs WHERE queue = 'test.fast' AND status = 'done'") ==
                                      10000; },
                         30s));
  EXPECT_EQ(count("SELECT count(*) FROM agape_jobs WHERE queue = 'test.fast' AND status = 'done' AND attempts = 1"),
            10000)
      << "a job ran more than once (its second insert failed) or failed";
  EXPECT_EQ(count("SELECT count(DISTINCT pid) FROM test_jobs_done WHERE queue = 'test.fast'"), 2)
      << "both servers take a share";
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM test_jobs_done WHERE queue = 'events.pong'") == 100; },
                      30s));

  // "* * * * *": the first tick comes at the next minute boundary.
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM test_jobs_done WHERE queue = 'test.tick'") >= 1; },
                      75s));
  std::this_thread::sleep_for(2s);  // both servers polled the schedule many times since
  const long long ticks = count("SELECT count(*) FROM agape_jobs WHERE queue = 'test.tick'");
  // One job per minute boundary crossed since the schedule was written (at
  // start), never one per server.
  const long long minuteNowValue = minuteNow();
  EXPECT_GE(ticks, minuteNowValue - minuteWhenReady);
  EXPECT_LE(ticks, minuteNowValue - minuteBeforeStart);
  EXPECT_EQ(count("SELECT count(*) FROM test_jobs_done WHERE queue = 'test.tick'"), ticks);
  // No server crashed: nothing ran twice.
  EXPECT_EQ(count("SELECT count(*) FROM test_jobs_done WHERE reruns > 0"), 0);

  EXPECT_EQ(a->terminate(), 0) << a->output();
  EXPECT_EQ(b->terminate(), 0) << b->output();
}

#endif

}  // namespace
}  // namespace agape::test
