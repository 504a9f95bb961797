// Durable jobs throughput and event latency, on SQLite and (with
// AGAPE_BENCH_PG_URL or AGAPE_TEST_PG_URL set) PostgreSQL:
//   BM_NoopJobs      1,000 no-op jobs enqueued in one transaction, then run by
//                    one server's runner (queue concurrency 8); items/s =
//                    jobs/s from commit to the last handler ("run"), or
//                    including the enqueueing transaction ("enqueue+run")
//   BM_EventLatency  one event published at idle; p50/p99 from the commit of
//                    the publishing transaction to the subscriber's handler
//   BM_JobStats      the per-queue count /metrics shows (refreshed every 5 s
//                    by each instance) over 100,000 job rows, 99,000 of them
//                    done (a week of retention): counting every row, as the
//                    refresh did ("all"), or the jobs not done only ("open")
//   ./build/bin/agape_bench --benchmark_filter=Jobs|Event|JobStats
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <vector>

#include "app/system_clock.h"
#include "events/event_bus.h"
#include "jobs/job_runner.h"
#include "jobs/job_store.h"
#include "log/log.h"
#include "metrics/registry.h"
#include "migrate/migrator.h"

namespace {

using namespace agape;
using namespace agape::kernel;
using Steady = std::chrono::steady_clock;

const char* pgUrl() {
  for (const char* name : {"AGAPE_BENCH_PG_URL", "AGAPE_TEST_PG_URL"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return nullptr;
}

// A fresh database with the kernel schema: a temporary SQLite file or a new
// PostgreSQL schema, removed afterwards.
class BenchDatabase {
 public:
  explicit BenchDatabase(bool postgres) {
    std::mt19937_64 rng{std::random_device{}()};
    const std::string tag = std::to_string(rng() % 1000000000);
    DatabaseConfig cfg;
    cfg.poolSize = 12;
    if (postgres) {
      DatabaseConfig admin;
      admin.url = pgUrl();
      admin.poolSize = 1;
      admin_ = DbPool::open(admin);
      schema_ = "agape_bench_" + tag;
      admin_->run([&](Tx& tx) { tx.exec("CREATE SCHEMA " + schema_); });
      const std::string base = pgUrl();
      cfg.url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    } else {
      file_ = std::filesystem::temp_directory_path() / ("agape-bench-" + tag + ".db");
      cfg.url = "sqlite://" + file_.string();
    }
    db_ = DbPool::open(cfg);
    JsonLogger log("bench");
    Migrator(*db_, {Migrator::kernelSource()}).up(log);
  }
  ~BenchDatabase() {
    db_.reset();
    if (admin_) admin_->run([&](Tx& tx) { tx.exec("DROP SCHEMA " + schema_ + " CASCADE"); });
    if (!file_.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file_.string() + suffix, ec);
    }
  }
  DbPool& db() { return *db_; }

 private:
  std::unique_ptr<DbPool> admin_;
  std::unique_ptr<DbPool> db_;
  std::string schema_;
  std::filesystem::path file_;
};

bool skipWithoutPg(benchmark::State& state, bool postgres) {
  if (postgres && !pgUrl()) {
    state.SkipWithError("set AGAPE_BENCH_PG_URL (or AGAPE_TEST_PG_URL) for the PostgreSQL case");
    return true;
  }
  return false;
}

// Counts handled jobs; the benchmark thread waits for a target.
class Countdown {
 public:
  void hit() {
    {
      std::lock_guard lock(m_);
      ++count_;
    }
    cv_.notify_all();
  }
  void waitFor(long long target) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return count_ >= target; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  long long count_ = 0;
};

void BM_NoopJobs(benchmark::State& state) {
  const bool postgres = state.range(0) == 1;
  const bool timeEnqueue = state.range(1) == 1;
  if (skipWithoutPg(state, postgres)) return;
  setLogLevel(LogLevel::Warn);
  BenchDatabase database(postgres);
  SystemClock clock;
  MetricsRegistry metrics;
  JobsConfig config;
  JobRunner runner(database.db(), clock, metrics, config);
  Countdown done;
  runner.addQueue("bench", "noop", [&](const Job&) { done.hit(); }, {.concurrency = 8});
  runner.freeze();
  runner.start();
  constexpr int kBatch = 1000;
  long long target = 0;
  for (auto _ : state) {
    // With range(1) == 0 only processing is timed (the jobs become visible
    // at commit); with 1 the 1,000 INSERTs are timed too.
    if (!timeEnqueue) state.PauseTiming();
    database.db().run([&](Tx& tx) {
      for (int i = 0; i < kBatch; ++i) runner.enqueue(tx, "noop", "{}", {});
    });
    if (!timeEnqueue) state.ResumeTiming();
    target += kBatch;
    done.waitFor(target);
  }
  runner.stop(std::chrono::seconds(5));
  state.SetItemsProcessed(target);
  state.SetLabel(std::string(postgres ? "postgresql" : "sqlite") + (timeEnqueue ? " enqueue+run" : " run"));
}
BENCHMARK(BM_NoopJobs)->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1})->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

void BM_EventLatency(benchmark::State& state) {
  const bool postgres = state.range(0) == 1;
  if (skipWithoutPg(state, postgres)) return;
  setLogLevel(LogLevel::Warn);
  BenchDatabase database(postgres);
  SystemClock clock;
  MetricsRegistry metrics;
  JobsConfig config;
  JobRunner runner(database.db(), clock, metrics, config);
  EventBus bus(database.db(), runner, metrics, config.pollInterval);
  Countdown done;
  std::atomic<long long> handledAtNs{0};
  bus.subscribe("bench", "bench.ping", "latency", [&](const Event&) {
    handledAtNs = Steady::now().time_since_epoch().count();
    done.hit();
  }, {});
  runner.freeze();
  runner.start();
  bus.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // workers idle, as in production at rest
  std::vector<double> latenciesMs;
  long long n = 0;
  for (auto _ : state) {
    Steady::time_point committed;
    database.db().run([&](Tx& tx) { bus.publish(tx, "bench.ping", "{}"); });
    committed = Steady::now();
    done.waitFor(++n);
    // The handler may even run before run() returns; never count negative.
    const double ms = std::max(0.0, (handledAtNs.load() - committed.time_since_epoch().count()) / 1e6);
    latenciesMs.push_back(ms);
    state.PauseTiming();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // idle between events
    state.ResumeTiming();
  }
  bus.stop();
  runner.stop(std::chrono::seconds(5));
  std::sort(latenciesMs.begin(), latenciesMs.end());
  auto pct = [&](double p) {
    return latenciesMs.empty() ? 0.0 : latenciesMs[std::min(latenciesMs.size() - 1,
                                                            static_cast<std::size_t>(p * latenciesMs.size()))];
  };
  state.counters["p50_ms"] = pct(0.50);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["max_ms"] = latenciesMs.empty() ? 0.0 : latenciesMs.back();
  state.SetLabel(postgres ? "postgresql" : "sqlite");
}
BENCHMARK(BM_EventLatency)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(500);

// 100,000 jobs over 10 queues: 99,000 done, 500 pending, 200 waiting for a
// retry, 200 running, 100 dead.
void fillJobs(DbPool& db) {
  constexpr int kRows = 100'000;
  constexpr int kBatch = 1000;
  for (int first = 0; first < kRows; first += kBatch) {
    std::string sql =
        "INSERT INTO agape_jobs (queue, payload, status, attempts, max_attempts, run_at, created_at, "
        "updated_at) "
        "VALUES ";
    for (int i = first; i < first + kBatch; ++i) {
      const int open = i - 99'000;  // the last thousand are not done
      const char* status = open < 0 ? "done" : open < 700 ? "pending" : open < 900 ? "running" : "dead";
      const int attempts = open >= 500 && open < 700 ? 1 : open < 0 ? 1 : 0;
      const long long at = 1'700'000'000'000LL + i;
      sql += (i == first ? "(" : ",(") + std::string("'bench.q") + std::to_string(i % 10) + "','{}','" +
             status + "'," + std::to_string(attempts) + ",5," + std::to_string(at) + "," +
             std::to_string(at) + "," + std::to_string(at) + ")";
    }
    db.run([&](Tx& tx) { tx.exec(sql); });
  }
  db.run([&](Tx& tx) { tx.exec("ANALYZE agape_jobs"); });
}

void BM_JobStats(benchmark::State& state) {
  const bool postgres = state.range(0) == 1;
  const bool countDone = state.range(1) == 1;
  if (skipWithoutPg(state, postgres)) return;
  setLogLevel(LogLevel::Warn);
  BenchDatabase database(postgres);
  fillJobs(database.db());
  SystemClock clock;
  JobStore store(database.db(), clock);
  long long open = 0;
  for (auto _ : state) {
    const auto stats = store.stats(countDone);
    open = 0;
    for (const auto& q : stats) open += q.pending + q.failed + q.running + q.dead;
    benchmark::DoNotOptimize(open);
  }
  if (open != 1000) state.SkipWithError("expected 1,000 jobs not done");
  state.SetLabel(std::string(postgres ? "postgresql" : "sqlite") + (countDone ? " all" : " open"));
}
BENCHMARK(BM_JobStats)
    ->Args({0, 1})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
