// The cost of one statement through the SDK (placeholders rewritten, values
// bound, the statement run, rows read), on SQLite and (with
// AGAPE_BENCH_PG_URL or AGAPE_TEST_PG_URL set) PostgreSQL. All iterations of
// a case run in one transaction, so only the statements are timed:
//   BM_Statement/postgres:{0,1}/kind:0  a point SELECT by primary key, 2 values
//   BM_Statement/postgres:{0,1}/kind:1  an UPDATE of one row, 5 values
//   BM_Statement/postgres:{0,1}/kind:2  a SELECT of 20 rows by an IN list of 20 values
//   ./build/bin/agape_bench --benchmark_filter=Statement --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "db/db_pool.h"
#include "log/log.h"

namespace {

using namespace agape;
using namespace agape::kernel;

constexpr int kRows = 1000;
constexpr int kInList = 20;

const char* statementPgUrl() {
  for (const char* name : {"AGAPE_BENCH_PG_URL", "AGAPE_TEST_PG_URL"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return nullptr;
}

// A fresh database holding one table of kRows items: a temporary SQLite
// file or a new PostgreSQL schema, removed afterwards.
class ItemsDatabase {
 public:
  explicit ItemsDatabase(bool postgres) {
    const std::string tag = std::to_string(std::random_device{}() % 1000000000);
    DatabaseConfig cfg;
    cfg.poolSize = 1;
    if (postgres) {
      DatabaseConfig admin;
      admin.url = statementPgUrl();
      admin.poolSize = 1;
      admin_ = DbPool::open(admin);
      schema_ = "agape_stmt_bench_" + tag;
      admin_->run([&](Tx& tx) { tx.exec("CREATE SCHEMA " + schema_); });
      const std::string base = statementPgUrl();
      cfg.url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    } else {
      file_ = std::filesystem::temp_directory_path() / ("agape-stmt-bench-" + tag + ".db");
      cfg.url = "sqlite://" + file_.string();
    }
    db_ = DbPool::open(cfg);
    db_->run([&](Tx& tx) {
      tx.exec("CREATE TABLE bench_items (id TEXT PRIMARY KEY, name TEXT NOT NULL, price BIGINT NOT NULL, "
              "stock BIGINT NOT NULL, version BIGINT NOT NULL, updated_at BIGINT NOT NULL)");
      for (int i = 0; i < kRows; ++i)
        tx.exec("INSERT INTO bench_items (id, name, price, stock, version, updated_at) "
                "VALUES (:id, :name, :price, :stock, 1, 0)",
                {{"id", itemId(i)}, {"name", "Item " + std::to_string(i)}, {"price", 1000 + i},
                 {"stock", 50}});
    });
  }
  ~ItemsDatabase() {
    db_.reset();
    if (admin_) admin_->run([&](Tx& tx) { tx.exec("DROP SCHEMA " + schema_ + " CASCADE"); });
    if (!file_.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file_.string() + suffix, ec);
    }
  }
  DbPool& db() { return *db_; }

  static std::string itemId(int i) { return "item-" + std::to_string(i); }

 private:
  std::unique_ptr<DbPool> admin_;
  std::unique_ptr<DbPool> db_;
  std::string schema_;
  std::filesystem::path file_;
};

void BM_Statement(benchmark::State& state) {
  const bool postgres = state.range(0) == 1;
  const int kind = static_cast<int>(state.range(1));
  if (postgres && !statementPgUrl()) {
    state.SkipWithError("set AGAPE_BENCH_PG_URL (or AGAPE_TEST_PG_URL) for the PostgreSQL case");
    return;
  }
  setLogLevel(LogLevel::Warn);
  ItemsDatabase database(postgres);
  std::vector<std::string> ids;
  for (int i = 0; i < kRows; ++i) ids.push_back(ItemsDatabase::itemId(i));
  std::string inSql = "SELECT id, name, price FROM bench_items WHERE id IN (";
  for (int k = 0; k < kInList; ++k) inSql += (k ? ", :id" : ":id") + std::to_string(k);
  inSql += ")";
  long long n = 0;
  database.db().run([&](Tx& tx) {
    for (auto _ : state) {
      const std::string& id = ids[static_cast<std::size_t>(n % kRows)];
      if (kind == 0) {
        auto row = tx.one("SELECT id, name, price, stock FROM bench_items WHERE id = :id AND stock >= :min",
                          {{"id", id}, {"min", 0}});
        benchmark::DoNotOptimize(row);
      } else if (kind == 1) {
        tx.exec("UPDATE bench_items SET price = :price, stock = :stock, updated_at = :now, version = version + 1 "
                "WHERE id = :id AND version >= :version",
                {{"price", 1000 + n % 7}, {"stock", 50 + n % 3}, {"now", n}, {"id", id}, {"version", 0}});
      } else {
        Params params;
        for (int k = 0; k < kInList; ++k)
          params.emplace_back("id" + std::to_string(k), ids[static_cast<std::size_t>((n + k) % kRows)]);
        auto rows = tx.query(inSql, params);
        benchmark::DoNotOptimize(rows);
      }
      ++n;
    }
  });
  state.SetItemsProcessed(n);
  static const char* const kKinds[] = {"point select", "update", "in list of 20"};
  state.SetLabel(std::string(postgres ? "postgresql " : "sqlite ") + kKinds[kind]);
}
BENCHMARK(BM_Statement)
    ->ArgNames({"postgres", "kind"})
    ->ArgsProduct({{0, 1}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

}  // namespace
