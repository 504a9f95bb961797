#include <gtest/gtest.h>

#include <algorithm>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include "jobs/retry_backoff.h"
#include "jobs_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::JobsDbTest;
using testing::Signal;
using testing::eventually;

class JobsTest : public JobsDbTest {};

TEST(RetryBackoff, DoublesPerAttemptWithinTwentyPercentAndIsCapped) {
  EXPECT_EQ(retryDelay(1, 0), 2s);
  EXPECT_EQ(retryDelay(2, 0), 4s);
  EXPECT_EQ(retryDelay(3, -1), 6400ms);
  EXPECT_EQ(retryDelay(3, 1), 9600ms);
  EXPECT_EQ(retryDelay(20, 0), std::chrono::milliseconds(std::chrono::hours(1)));
  for (int i = 0; i < 200; ++i) {
    auto d = randomRetryDelay(4);
    EXPECT_GE(d, 12800ms);
    EXPECT_LE(d, 19200ms);
  }
}

TEST_P(JobsTest, EnqueuedJobsRunOnceInOrderWithTheirPayload) {
  JobRunner& runner = newRunner();
  std::vector<std::string> seen;
  runner.addQueue("test", "mail", [&](const Job& j) {
    EXPECT_EQ(j.queue, "mail");
    EXPECT_EQ(j.attempt, 1);
    seen.push_back(j.payload);
  }, {});
  runner.freeze();
  for (int i = 0; i < 3; ++i) runner.enqueue("mail", "{\"n\":" + std::to_string(i) + "}", {});
  EXPECT_EQ(runner.runDue(), 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"{\"n\":0}", "{\"n\":1}", "{\"n\":2}"}));
  EXPECT_EQ(runner.runDue(), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE status = 'done'"), 3);
}

TEST_P(JobsTest, RefusesBadInputAndLateRegistration) {
  JobRunner& runner = newRunner();
  runner.addQueue("test", "q", [](const Job&) {}, {});
  EXPECT_THROW(runner.addQueue("other", "q", [](const Job&) {}, {}), std::logic_error);
  runner.freeze();
  EXPECT_THROW(runner.addQueue("test", "late", [](const Job&) {}, {}), std::logic_error);
  EXPECT_THROW(runner.enqueue("q", "not json", {}), std::invalid_argument);
  EXPECT_THROW(runner.enqueue("", "{}", {}), std::invalid_argument);
}

TEST_P(JobsTest, FailedAttemptsRetryWithExponentialBackoffFromTheClock) {
  JobRunner& runner = newRunner();
  int calls = 0;
  runner.addQueue("test", "flaky", [&](const Job& j) {
    ++calls;
    EXPECT_EQ(j.attempt, calls);
    if (calls < 3) throw std::runtime_error("provider down " + std::to_string(calls));
  }, {});
  runner.freeze();
  const std::string id = runner.enqueue("flaky", "{}", {});

  EXPECT_EQ(runner.runDue(), 1);
  Row r = jobRow(id);
  EXPECT_EQ(r.text("status"), "pending");
  EXPECT_EQ(r.integer("attempts"), 1);
  EXPECT_EQ(r.text("last_error"), "provider down 1");
  long long delay = r.integer("run_at") - nowMs();
  EXPECT_GE(delay, 1600);  // 2 s ± 20%
  EXPECT_LE(delay, 2400);
  EXPECT_EQ(runner.runDue(), 0) << "not due before its backoff";
  clock_.advance(std::chrono::milliseconds(delay - 1));
  EXPECT_EQ(runner.runDue(), 0);
  clock_.advance(1ms);
  EXPECT_EQ(runner.runDue(), 1);

  r = jobRow(id);
  delay = r.integer("run_at") - nowMs();
  EXPECT_GE(delay, 3200);  // 4 s ± 20%
  EXPECT_LE(delay, 4800);
  EXPECT_EQ(r.text("last_error"), "provider down 2");
  clock_.advance(5s);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(jobRow(id).text("status"), "done");
  EXPECT_EQ(calls, 3);
}

TEST_P(JobsTest, DeadLettersAfterMaxAttemptsAndRetriesOnDemand) {
  JobRunner& runner = newRunner();
  int calls = 0;
  bool healthy = false;
  runner.addQueue("test", "sms", [&](const Job&) {
    ++calls;
    if (!healthy) throw std::runtime_error("gateway refused #" + std::to_string(calls));
  }, {});
  runner.freeze();
  JobOptions o;
  o.maxAttempts = 3;
  const std::string id = runner.enqueue("sms", R"({"to":"+234"})", o);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(runner.runDue(), 1) << i;
    clock_.advance(1h);
  }
  EXPECT_EQ(runner.runDue(), 0);
  EXPECT_EQ(jobRow(id).text("status"), "dead");

  auto dead = runner.store().deadLetters("", 100);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, id);
  EXPECT_EQ(dead[0].queue, "sms");
  EXPECT_EQ(dead[0].payload, R"({"to":"+234"})");
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(dead[0].lastError, "gateway refused #3");
  EXPECT_TRUE(runner.store().deadLetters("other", 100).empty());

  auto stats = runner.store().stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].dead, 1);

  EXPECT_FALSE(runner.retry("999999"));
  EXPECT_FALSE(runner.retry("not-a-number"));
  healthy = true;
  EXPECT_TRUE(runner.retry(id));
  EXPECT_FALSE(runner.retry(id)) << "no longer dead";
  EXPECT_EQ(jobRow(id).integer("attempts"), 0);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(jobRow(id).text("status"), "done");
  EXPECT_EQ(calls, 4);
}

TEST_P(JobsTest, AnIdempotencyKeyMakesAtMostOneJobPerQueue) {
  JobRunner& runner = newRunner();
  int calls = 0;
  runner.addQueue("test", "receipt", [&](const Job&) { ++calls; }, {});
  runner.freeze();
  JobOptions o;
  o.idempotencyKey = "order-42";
  const std::string first = runner.enqueue("receipt", R"({"v":1})", o);
  const std::string second = runner.enqueue("receipt", R"({"v":2})", o);
  EXPECT_EQ(first, second);
  const std::string other = runner.enqueue("invoice", "{}", o);
  EXPECT_NE(first, other) << "keys are per queue";
  // Inside one transaction too.
  db_->run([&](Tx& tx) {
    EXPECT_EQ(runner.enqueue(tx, "receipt", "{}", o), first);
  });
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'receipt'"), 1);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(runner.enqueue("receipt", "{}", o), first) << "still one job once done";
  EXPECT_EQ(runner.runDue(), 0);
  EXPECT_EQ(calls, 1);
}

TEST_P(JobsTest, AJobIsNotClaimedBeforeItsRunAt) {
  JobRunner& runner = newRunner();
  int calls = 0;
  runner.addQueue("test", "later", [&](const Job&) { ++calls; }, {});
  runner.freeze();
  JobOptions o;
  o.runAt = clock_.now() + 1h;
  runner.enqueue("later", "{}", o);
  EXPECT_EQ(runner.runDue(), 0);
  clock_.advance(59min + 59s);
  EXPECT_EQ(runner.runDue(), 0);
  clock_.advance(1s);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(calls, 1);
}

TEST_P(JobsTest, ARolledBackTransactionLeavesNoJob) {
  JobRunner& runner = newRunner();
  runner.freeze();
  EXPECT_THROW(db_->run([&](Tx& tx) {
    runner.enqueue(tx, "q", "{}", {});
    throw std::runtime_error("business rule failed");
  }),
               std::runtime_error);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
}

TEST_P(JobsTest, AJobWhoseLeaseExpiredIsClaimedAgain) {
  JobRunner& runner = newRunner();
  std::vector<int> attempts;
  QueueOptions q;
  q.lease = 30s;
  runner.addQueue("test", "export", [&](const Job& j) { attempts.push_back(j.attempt); }, q);
  runner.freeze();
  const std::string id = runner.enqueue("export", "{}", {});

  // A worker that claims the job and dies (kill -9) before finishing.
  auto lost = runner.store().claim("export", 10, "crashed-worker", 30s);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(jobRow(id).text("status"), "running");
  EXPECT_EQ(runner.runDue(), 0) << "locked while the lease runs";
  clock_.advance(29s);
  EXPECT_EQ(runner.runDue(), 0);
  clock_.advance(1s);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(attempts, std::vector<int>{2});
  EXPECT_EQ(jobRow(id).text("status"), "done");
  // The dead worker's late report changes nothing.
  EXPECT_FALSE(runner.store().complete(lost[0], "crashed-worker"));
  EXPECT_FALSE(runner.store().failForRetry(lost[0], "crashed-worker", "x", nowMs()));
}

TEST_P(JobsTest, AJobRunningLongerThanItsLeaseKeepsItsClaim) {
  JobRunner& first = newRunner();
  JobRunner& second = newRunner();  // another instance on the same database
  std::atomic<int> runs{0};
  Signal started, release;
  first.addQueue("test", "long", [&](const Job&) {
    ++runs;
    started.notify();
    ASSERT_TRUE(release.wait(20s));
  }, {.concurrency = 1, .lease = 2s});
  second.addQueue("test", "long", [&](const Job&) { ++runs; }, {.concurrency = 1, .lease = 2s});
  first.freeze();
  second.freeze();
  first.start();
  const std::string id = first.enqueue("long", "{}", {});
  ASSERT_TRUE(started.wait());
  // Ten seconds of the clock, five leases: each time half the lease has
  // passed, the running instance moves it on, so the other never sees the
  // job as abandoned.
  for (int i = 0; i < 10; ++i) {
    clock_.advance(1s);
    ASSERT_TRUE(eventually([&] { return jobRow(id).integer("run_at") >= nowMs() + 1500; })) << "renewed at " << i;
    EXPECT_EQ(second.runDue(), 0) << "taken by the other instance at " << i;
  }
  release.notify();
  ASSERT_TRUE(eventually([&] { return jobRow(id).text("status") == "done"; }));
  EXPECT_EQ(runs.load(), 1);
  first.stop(5s);
}

TEST_P(JobsTest, ALeaseExpiringOnTheLastAttemptDeadLetters) {
  JobRunner& runner = newRunner();
  int calls = 0;
  runner.addQueue("test", "q", [&](const Job&) { ++calls; }, {.concurrency = 1, .lease = 10s});
  runner.freeze();
  JobOptions o;
  o.maxAttempts = 1;
  const std::string id = runner.enqueue("q", "{}", o);
  ASSERT_EQ(runner.store().claim("q", 1, "crashed-worker", 10s).size(), 1u);
  clock_.advance(11s);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(calls, 0);
  Row r = jobRow(id);
  EXPECT_EQ(r.text("status"), "dead");
  EXPECT_NE(r.text("last_error").find("lease expired"), std::string::npos);
}

TEST_P(JobsTest, StatsCountEveryStatePerQueue) {
  JobRunner& runner = newRunner();
  runner.addQueue("test", "a", [](const Job& j) {
    if (j.payload == R"("fail")") throw std::runtime_error("no");
  }, {});
  runner.freeze();
  JobOptions once;
  once.maxAttempts = 1;
  runner.enqueue("a", R"("ok")", {});
  runner.enqueue("a", R"("fail")", {});  // waits for a retry
  runner.enqueue("a", R"("fail")", once);  // dead
  EXPECT_EQ(runner.runDue(), 3);
  runner.enqueue("a", R"("ok")", {});
  runner.enqueue("b", "{}", {});
  clock_.advance(1500ms);
  runner.store().claim("b", 1, "elsewhere", 60s);
  runner.enqueue("b", "{}", {});
  clock_.advance(500ms);

  auto stats = runner.store().stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].queue, "a");
  EXPECT_EQ(stats[0].pending, 1);
  EXPECT_EQ(stats[0].running, 0);
  EXPECT_EQ(stats[0].done, 1);
  EXPECT_EQ(stats[0].failed, 1);
  EXPECT_EQ(stats[0].dead, 1);
  EXPECT_DOUBLE_EQ(stats[0].oldestPendingSeconds, 2.0);
  EXPECT_EQ(stats[1].queue, "b");
  EXPECT_EQ(stats[1].pending, 1);
  EXPECT_EQ(stats[1].running, 1);
  EXPECT_DOUBLE_EQ(stats[1].oldestPendingSeconds, 0.5);
  // What /metrics shows: the same without the done jobs.
  auto open = runner.store().stats(/*countDone=*/false);
  ASSERT_EQ(open.size(), stats.size());
  for (std::size_t q = 0; q < stats.size(); ++q) {
    stats[q].done = 0;
    EXPECT_EQ(std::tie(open[q].queue, open[q].pending, open[q].running, open[q].done, open[q].failed,
                       open[q].dead, open[q].oldestPendingSeconds),
              std::tie(stats[q].queue, stats[q].pending, stats[q].running, stats[q].done, stats[q].failed,
                       stats[q].dead, stats[q].oldestPendingSeconds));
  }

  std::string metrics;
  runner.renderMetrics(metrics);
  EXPECT_EQ(metrics, "") << "nothing counted yet: /metrics never queries the database itself";
  runner.refreshStats();
  runner.renderMetrics(metrics);
  EXPECT_NE(metrics.find("agape_jobs_queue_depth{queue=\"a\",state=\"dead\"} 1"), std::string::npos) << metrics;
  const std::string rendered = metrics_.render();
  EXPECT_NE(rendered.find("agape_jobs_processed_total{queue=\"a\",outcome=\"success\"} 1"), std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("agape_jobs_processed_total{queue=\"a\",outcome=\"dead\"} 1"), std::string::npos);
  EXPECT_NE(rendered.find("agape_job_duration_seconds_count{queue=\"a\"} 3"), std::string::npos) << rendered;
}

// The count behind /metrics can be answered from the partial index of the
// jobs not done, so it never reads the done jobs kept for jobs.retention.
TEST_P(JobsTest, TheMetricsCountCanReadTheIndexOfJobsNotDoneOnly) {
  const bool pg = db_->dialect() == Dialect::Postgres;
  const std::string count =
      "SELECT queue, SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS dead FROM agape_jobs "
      "WHERE status <> 'done' GROUP BY queue";
  std::string plan;
  db_->run([&](Tx& tx) {
    // A table this small is read whole by PostgreSQL's choice; forbid that to see the index is usable.
    if (pg) tx.exec("SET LOCAL enable_seqscan = off");
    for (const Row& r : tx.query((pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + count))
      plan += r.text(pg ? "QUERY PLAN" : "detail") + "\n";
  });
  EXPECT_NE(plan.find("agape_jobs_open"), std::string::npos) << plan;
}

TEST_P(JobsTest, OneStatementFindsTheQueuesWithAJobDue) {
  JobRunner& runner = newRunner();
  for (const char* q : {"mail", "later", "stuck", "finished", "empty"}) runner.addQueue("test", q, [](const Job&) {}, {});
  runner.freeze();
  runner.enqueue("mail", "{}", {});
  JobOptions inAnHour;
  inAnHour.runAt = clock_.now() + 1h;
  runner.enqueue("later", "{}", inAnHour);
  runner.enqueue("stuck", "{}", {});
  ASSERT_EQ(runner.store().claim("stuck", 1, "crashed-worker", 30s).size(), 1u);  // its worker died
  runner.enqueue("finished", "{}", {});
  EXPECT_EQ(runner.runDue("finished"), 1);
  const std::vector<std::string> all{"mail", "later", "stuck", "finished", "empty"};
  EXPECT_EQ(runner.store().dueQueues(all), std::vector<std::string>{"mail"});
  clock_.advance(30s);
  auto due = runner.store().dueQueues(all);
  std::sort(due.begin(), due.end());
  EXPECT_EQ(due, (std::vector<std::string>{"mail", "stuck"})) << "a lapsed lease is due again";
  clock_.advance(1h);
  due = runner.store().dueQueues(all);
  std::sort(due.begin(), due.end());
  EXPECT_EQ(due, (std::vector<std::string>{"later", "mail", "stuck"}));
}

TEST_P(JobsTest, AJobOfAnotherInstanceIsFoundWithinThePollInterval) {
  config_.pollInterval = 100ms;
  JobRunner& runner = newRunner();
  JobRunner& other = newRunner();
  Signal ran;
  runner.addQueue("test", "export", [&](const Job&) { ran.notify(); }, {});
  other.addQueue("test", "export", [](const Job&) {}, {});
  runner.freeze();
  other.freeze();
  runner.start();
  std::this_thread::sleep_for(300ms);  // idle: its workers wait to be woken
  other.enqueue("export", "{}", {});   // another instance's commit wakes nothing here
  ASSERT_TRUE(ran.wait(5s)) << "the scheduler did not find the queue due";
  runner.stop(5s);
}

TEST_P(JobsTest, AJobEnqueuedHereStartsAtCommitWithoutWaitingForThePoll) {
  config_.pollInterval = std::chrono::minutes(1);
  JobRunner& runner = newRunner();
  Signal ran;
  runner.addQueue("test", "now", [&](const Job&) { ran.notify(); }, {});
  runner.freeze();
  runner.start();
  // Let the workers finish their first (empty) look and go idle for a minute.
  std::this_thread::sleep_for(100ms);
  const auto t0 = std::chrono::steady_clock::now();
  runner.enqueue("now", "{}", {});
  ASSERT_TRUE(ran.wait(5s)) << "the commit did not wake the queue";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  runner.stop(5s);
}

TEST_P(JobsTest, StopLetsRunningJobsFinishAndReleasesClaimedOnes) {
  JobRunner& runner = newRunner();
  std::mutex m;
  std::vector<std::string> started;
  Signal firstStarted, secondStarted, release;
  runner.addQueue("test", "slow", [&](const Job& j) {
    {
      std::lock_guard lock(m);
      started.push_back(j.payload);
    }
    if (j.payload == "\"A\"") firstStarted.notify();
    if (j.payload == "\"B\"") secondStarted.notify();
    ASSERT_TRUE(release.wait(10s));
  }, {.concurrency = 2});
  runner.freeze();
  runner.start();
  const std::string a = runner.enqueue("slow", R"("A")", {});
  ASSERT_TRUE(firstStarted.wait());
  // One transaction, one wake-up: the free worker claims both, runs B and
  // keeps C claimed until a worker is free.
  std::string b, c;
  db_->run([&](Tx& tx) {
    b = runner.enqueue(tx, "slow", R"("B")", {});
    c = runner.enqueue(tx, "slow", R"("C")", {});
  });
  ASSERT_TRUE(secondStarted.wait());
  ASSERT_EQ(jobRow(c).text("status"), "running") << "claimed with B";

  std::thread stopper([&] { runner.stop(10s); });
  std::this_thread::sleep_for(50ms);  // stop is now waiting for A and B
  release.notify();
  stopper.join();
  EXPECT_EQ(jobRow(a).text("status"), "done");
  EXPECT_EQ(jobRow(b).text("status"), "done");
  Row rc = jobRow(c);
  EXPECT_EQ(rc.text("status"), "pending") << "released, not left locked until its lease ends";
  EXPECT_EQ(rc.integer("attempts"), 0);
  EXPECT_TRUE(rc.isNull("locked_by"));
  std::lock_guard lock(m);
  EXPECT_EQ(started, (std::vector<std::string>{"\"A\"", "\"B\""}));
}

TEST_P(JobsTest, TwoRunnersOnOneDatabaseRunEveryJobExactlyOnce) {
  const int jobs = isPg() ? 10'000 : 1'000;
  auto otherPool = database().open(8);
  db_->run([](Tx& tx) { tx.exec("CREATE TABLE processed (job_id BIGINT PRIMARY KEY)"); });
  std::atomic<int> calls{0};
  auto handler = [&](DbPool& db) {
    return [&](const Job& j) {
      ++calls;
      // A second run of the same job would violate the primary key.
      db.run([&](Tx& tx) { tx.exec("INSERT INTO processed (job_id) VALUES (:id)",
                                   {{"id", std::stoll(j.id)}}); });
    };
  };
  JobRunner& one = newRunner();
  JobRunner& two = newRunner(otherPool.get());
  one.addQueue("test", "bulk", handler(*db_), {.concurrency = 4});
  two.addQueue("test", "bulk", handler(*otherPool), {.concurrency = 4});
  one.freeze();
  two.freeze();
  db_->run([&](Tx& tx) {
    for (int i = 0; i < jobs; ++i) one.store().enqueue(tx, "bulk", "{}", {});
  });
  one.start();
  two.start();
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) AS n FROM processed") == jobs; }, 120s))
      << count("SELECT count(*) AS n FROM processed");
  one.stop(5s);
  two.stop(5s);
  EXPECT_EQ(calls.load(), jobs);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE status = 'done' AND attempts = 1"), jobs);
  const std::string rendered = metrics_.render();
  EXPECT_NE(rendered.find("agape_jobs_processed_total{queue=\"bulk\",outcome=\"success\"} " + std::to_string(jobs)),
            std::string::npos);
}

TEST_P(JobsTest, FinishedJobsAndOldEventsAreDeletedAfterTheRetention) {
  config_.retention = 24h;
  JobRunner& runner = newRunner();
  runner.addQueue("test", "mail", [](const Job& j) {
    if (j.payload == R"({"fail":true})") throw std::runtime_error("refused");
  }, {});
  runner.freeze();
  runner.enqueue("mail", "{}", {});
  JobOptions once;
  once.maxAttempts = 1;
  const std::string dead = runner.enqueue("mail", R"({"fail":true})", once);
  EXPECT_EQ(runner.runDue(), 2);
  db_->run([&](Tx& tx) {
    tx.exec("INSERT INTO agape_events (id, topic, payload, occurred_at, deliveries) VALUES ('e1', 't', '{}', :at, 0)",
            {{"at", nowMs()}});
  });
  clock_.advance(23h);
  JobOptions later;
  later.runAt = clock_.now() + 48h;
  runner.enqueue("mail", "{}", later);  // pending, and older than a day by the end
  EXPECT_EQ(runner.pruneFinished(), 0) << "nothing is a day old yet";
  clock_.advance(2h);
  runner.enqueue("mail", "{}", {});
  EXPECT_EQ(runner.runDue(), 1);  // finished just now: kept
  EXPECT_EQ(runner.pruneFinished(), 2) << "the first finished job and the event";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE status = 'done'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE status = 'pending'"), 1);
  EXPECT_EQ(jobRow(dead).text("status"), "dead") << "dead letters wait for an operator";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events"), 0);
  EXPECT_EQ(runner.pruneFinished(), 0);

  config_.retention = 0ms;
  clock_.advance(24h * 30);
  EXPECT_EQ(newRunner().pruneFinished(), 0) << "0 keeps everything";
}

INSTANTIATE_TEST_SUITE_P(Backends, JobsTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
