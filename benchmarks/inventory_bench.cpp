// Reservations per second on PostgreSQL (AGAPE_BENCH_PG_URL or
// AGAPE_TEST_PG_URL; skipped without one), through the inventory's
// StockService as orders calls it, with the kernel's pool and event bus:
//   BM_Reserve/items:{1,5}/hot:{0,1}/threads:{16,64}
// One iteration is one transaction: reserve `items` variants for a fresh
// holder, then commit it (every other iteration: release it).
// reservations_per_s counts completed transactions of all threads over the
// wall time of the run.
//   spread (hot:0)  each reservation picks its variants at random among 10,000
//   hot (hot:1)     every reservation takes the same variants (the single-item
//                   case: one variant), so all threads queue on the same rows
// Every change publishes inventory.level_changed with one subscriber, as the
// catalogue subscribes in production (the delivery jobs are written, not run).
//   ./build/bin/agape_bench --benchmark_filter=Reserve --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "app/system_clock.h"
#include "events/event_bus.h"
#include "jobs/job_runner.h"
#include "log/log.h"
#include "metrics/registry.h"
#include "migrate/migrator.h"
#include "reservation_book.h"
#include "stock_ledger.h"

namespace {

using namespace agape;
using namespace agape::kernel;
using agape::inventory::Holder;
using agape::inventory::ReservationBook;
using agape::inventory::StockItem;
using agape::inventory::StockLedger;

constexpr int kSpreadVariants = 10'000;
constexpr int kHotVariants = 5;
constexpr int kPoolSize = 70;  // above the largest thread count, so no thread waits for a connection

const char* benchPgUrl() {
  for (const char* name : {"AGAPE_BENCH_PG_URL", "AGAPE_TEST_PG_URL"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return nullptr;
}

std::string variantId(const char* kind, int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s-%05d", kind, i);
  return buf;
}

// One schema for every case, made on first use: the kernel's and the
// inventory's tables, 10,000 spread variants and 5 hot ones with stock that
// never runs out. Never destroyed: at exit the kernel's own statics (the
// log sink among them) may already be gone, so the schema is dropped by the
// next run instead.
class InventoryBench {
 public:
  static InventoryBench& get() {
    static InventoryBench* bench = new InventoryBench;
    return *bench;
  }
  ReservationBook& book() { return *book_; }
  DbPool& db() { return *db_; }
  Holder nextHolder() { return {"order", std::to_string(++holders_)}; }

 private:
  InventoryBench() {
    setLogLevel(LogLevel::Warn);
    DatabaseConfig admin;
    admin.url = benchPgUrl();
    admin.poolSize = 1;
    admin_ = DbPool::open(admin);
    admin_->run([&](Tx& tx) {
      for (const auto& row : tx.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'agape_inv_bench_%'"))
        tx.exec("DROP SCHEMA " + row.text("nspname") + " CASCADE");
    });
    schema_ = "agape_inv_bench_" + std::to_string(std::random_device{}() % 1000000000);
    admin_->run([&](Tx& tx) { tx.exec("CREATE SCHEMA " + schema_); });
    const std::string base = benchPgUrl();
    DatabaseConfig cfg;
    cfg.url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    cfg.poolSize = kPoolSize;
    db_ = DbPool::open(cfg);
    JsonLogger log("bench");
    Migrator(*db_, {Migrator::kernelSource(), {"inventory", AGAPE_INVENTORY_MIGRATIONS}}).up(log);
    runner_ = std::make_unique<JobRunner>(*db_, clock_, metrics_, JobsConfig{});
    bus_ = std::make_unique<EventBus>(*db_, *runner_, metrics_, JobsConfig{}.pollInterval);
    bus_->subscribe("catalog", "inventory.level_changed", "availability", [](const Event&) {}, {});
    runner_->freeze();
    bus_->openCursors();
    events_ = std::make_unique<PluginEvents>(*bus_, "inventory");
    ledger_ = std::make_unique<StockLedger>(*events_, clock_, 0);
    book_ = std::make_unique<ReservationBook>(*ledger_, std::chrono::minutes(15));
    // As in the server, each reservation tells the expiry timer its expiry
    // once committed (nothing is written for it; the timer is not run here).
    book_->wakeOnReserve([](long long) {});
    db_->run([&](Tx& tx) {
      for (const auto& [kind, n] : {std::pair{"spread", kSpreadVariants}, std::pair{"hot", kHotVariants}})
        for (int i = 0; i < n; ++i)
          tx.exec("INSERT INTO inventory_levels (variant_id, on_hand, reserved, version, updated_at) "
                  "VALUES (:v, 1000000000000, 0, 1, 0)",
                  {{"v", variantId(kind, i)}});
    });
  }
  std::unique_ptr<DbPool> admin_;
  std::unique_ptr<DbPool> db_;
  std::string schema_;
  SystemClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<JobRunner> runner_;
  std::unique_ptr<EventBus> bus_;
  std::unique_ptr<PluginEvents> events_;
  std::unique_ptr<StockLedger> ledger_;
  std::unique_ptr<ReservationBook> book_;
  std::atomic<long long> holders_{0};
};

// The shared schema, or nullptr (and the case skipped) without PostgreSQL.
InventoryBench* benchOrSkip(benchmark::State& state) {
  if (!benchPgUrl()) {
    state.SkipWithError("set AGAPE_BENCH_PG_URL (or AGAPE_TEST_PG_URL): the reservation benchmark runs on PostgreSQL");
    return nullptr;
  }
  static std::mutex setup;
  std::lock_guard lock(setup);  // the first thread of the first case creates the schema
  return &InventoryBench::get();
}

void BM_Reserve(benchmark::State& state) {
  const int items = static_cast<int>(state.range(0));
  const bool hot = state.range(1) == 1;
  InventoryBench* bench = benchOrSkip(state);
  if (!bench) return;
  std::mt19937 rng(std::random_device{}() + static_cast<unsigned>(state.thread_index()));
  std::uniform_int_distribution<int> pick(0, kSpreadVariants - 1);
  // Throughput over all threads, measured by thread 0 from the moment every
  // thread is in the loop (the loop's start is a barrier) until all have left.
  static std::atomic<long long> completed{0};
  static std::chrono::steady_clock::time_point started;
  long long failed = 0;
  bool commit = state.thread_index() % 2 == 0;
  bool first = true;
  for (auto _ : state) {
    if (first && state.thread_index() == 0) {
      completed = 0;
      started = std::chrono::steady_clock::now();
    }
    first = false;
    std::vector<StockItem> list;
    for (int i = 0; i < items; ++i) {
      std::string id = hot ? variantId("hot", i) : variantId("spread", pick(rng));
      bool duplicate = false;
      for (const auto& it : list) duplicate = duplicate || it.variantId == id;
      if (duplicate) {
        --i;  // draw again: a reservation names each variant once
        continue;
      }
      list.push_back({std::move(id), 1});
    }
    const Holder holder = bench->nextHolder();
    try {
      bench->db().run([&](Tx& tx) {
        bench->book().reserve(tx, holder, list);
        commit ? bench->book().commit(tx, holder) : bench->book().release(tx, holder);
      });
      ++completed;
    } catch (const std::exception&) {
      ++failed;
    }
    commit = !commit;
  }
  if (state.thread_index() == 0) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    state.counters["reservations_per_s"] = completed / seconds;
  }
  state.counters["failed"] = benchmark::Counter(static_cast<double>(failed), benchmark::Counter::kAvgThreads);
  state.SetLabel(std::string(hot ? "hot" : "spread") + ", " + std::to_string(items) + (items == 1 ? " item" : " items"));
}
// The floor under BM_Reserve: a transaction holding only the conditional
// update of one spread variant (no hold, movement or event), the least any
// reservation needs on this database, pool and machine.
void BM_ConditionalUpdateOnly(benchmark::State& state) {
  InventoryBench* bench = benchOrSkip(state);
  if (!bench) return;
  std::mt19937 rng(std::random_device{}() + static_cast<unsigned>(state.thread_index()));
  std::uniform_int_distribution<int> pick(0, kSpreadVariants - 1);
  for (auto _ : state)
    bench->db().run([&](Tx& tx) {
      tx.exec("UPDATE inventory_levels SET reserved = reserved + 1 - 1, version = version + 1 "
              "WHERE variant_id = :v AND on_hand - reserved >= 1",
              {{"v", variantId("spread", pick(rng))}});
    });
  state.SetLabel("spread, 1 statement");
}
BENCHMARK(BM_ConditionalUpdateOnly)->Threads(16)->UseRealTime()->MinTime(2.0)->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_Reserve)
    ->ArgNames({"items", "hot"})
    ->ArgsProduct({{1, 5}, {0, 1}})
    ->Threads(16)
    ->Threads(64)
    ->UseRealTime()
    ->MinTime(2.0)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
