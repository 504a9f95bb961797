// Cron schedules through the JobRunner: one job per tick however many
// instances share the database, and one (not a burst) after a long outage.
#include <gtest/gtest.h>

#include <thread>

#include "jobs_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::JobsDbTest;

class CronScheduleTest : public JobsDbTest {
 protected:
  void SetUp() override {
    JobsDbTest::SetUp();
    if (IsSkipped()) return;
    // The ManualClock starts at 2027-01-15T08:00:00Z, on a minute boundary.
    other_ = database().open(4);
  }
  void TearDown() override {
    runners_.clear();
    other_.reset();
    JobsDbTest::TearDown();
  }
  // Two instances declaring the same schedule, on two pools.
  std::pair<JobRunner*, JobRunner*> twoInstances(const std::string& cron) {
    JobRunner& a = newRunner();
    JobRunner& b = newRunner(other_.get());
    for (JobRunner* r : {&a, &b}) {
      r->addSchedule("reports", "digest", cron, "reports.digest", R"({"kind":"digest"})");
      r->freeze();
      r->syncSchedules();
    }
    return {&a, &b};
  }
  // Both instances look for due ticks at the same time.
  int tickBoth(JobRunner& a, JobRunner& b) {
    int fa = 0, fb = 0;
    std::thread ta([&] { fa = a.tickCron(); });
    std::thread tb([&] { fb = b.tickCron(); });
    ta.join();
    tb.join();
    return fa + fb;
  }
  long long digestJobs() { return count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'reports.digest'"); }

  std::unique_ptr<DbPool> other_;
};

TEST_P(CronScheduleTest, EachTickFiresOnceAcrossTwoInstances) {
  auto [a, b] = twoInstances("* * * * *");
  EXPECT_EQ(tickBoth(*a, *b), 0) << "the first tick is the next minute";
  for (int minute = 1; minute <= 5; ++minute) {
    clock_.advance(30s);
    EXPECT_EQ(tickBoth(*a, *b), 0) << "minute " << minute << " not reached yet";
    clock_.advance(30s);
    EXPECT_EQ(tickBoth(*a, *b), 1) << "minute " << minute;
    EXPECT_EQ(tickBoth(*a, *b), 0) << "minute " << minute << " already fired";
  }
  EXPECT_EQ(digestJobs(), 5);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE payload = :p", {{"p", R"({"kind":"digest"})"}}),
            5);
}

TEST_P(CronScheduleTest, TicksMissedWhileDownFireOnceNotAsABurst) {
  auto [a, b] = twoInstances("*/5 * * * *");
  clock_.advance(3 * 24h + 2min);  // every instance was down for three days
  EXPECT_EQ(tickBoth(*a, *b), 1);
  EXPECT_EQ(tickBoth(*a, *b), 0);
  EXPECT_EQ(digestJobs(), 1);
  // The next tick is counted from now: 08:05 on the third day after.
  const long long next = count("SELECT next_run_at AS n FROM agape_cron WHERE plugin = 'reports' AND name = 'digest'");
  EXPECT_EQ(next - nowMs(), 3 * 60 * 1000);
}

TEST_P(CronScheduleTest, ARestartKeepsTheDueTickAndAChangedExpressionResetsIt) {
  {
    JobRunner& first = newRunner();
    first.addSchedule("reports", "digest", "0 * * * *", "reports.digest", "{}");
    first.freeze();
    first.syncSchedules();
  }
  clock_.advance(2h);  // down over two ticks
  JobRunner& again = newRunner();
  again.addSchedule("reports", "digest", "0 * * * *", "reports.digest", "{}");
  again.freeze();
  again.syncSchedules();  // unchanged: the missed tick stays due
  EXPECT_EQ(again.tickCron(), 1);

  config_.schedules["reports"]["digest"] = "30 6 * * *";  // operator override
  JobRunner& overridden = newRunner();
  overridden.addSchedule("reports", "digest", "0 * * * *", "reports.digest", "{}");
  overridden.freeze();
  overridden.syncSchedules();
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_cron WHERE expression = '30 6 * * *'"), 1);
  clock_.advance(20h);
  EXPECT_EQ(overridden.tickCron(), 0) << "the next 06:30 is 20h30 after 10:00";
  clock_.advance(2h + 30min);
  EXPECT_EQ(overridden.tickCron(), 1);
}

TEST_P(CronScheduleTest, RefusesBadDeclarations) {
  JobRunner& r = newRunner();
  EXPECT_THROW(r.addSchedule("p", "x", "61 * * * *", "q", "{}"), std::invalid_argument);
  EXPECT_THROW(r.addSchedule("p", "x", "0 0 30 2 *", "q", "{}"), std::invalid_argument);
  EXPECT_THROW(r.addSchedule("p", "x", "* * * * *", "q", "nope"), std::invalid_argument);
  r.addSchedule("p", "x", "* * * * *", "q", "{}");
  EXPECT_THROW(r.addSchedule("p", "x", "* * * * *", "q", "{}"), std::logic_error);
  r.freeze();
  EXPECT_THROW(r.addSchedule("p", "y", "* * * * *", "q", "{}"), std::logic_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, CronScheduleTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
