#pragma once
// Database tests run once per backend: SQLite on a temporary file and
// PostgreSQL in a fresh schema of the database named by AGAPE_TEST_PG_URL
// (skipped, with a message, when the variable is unset).

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <agape/testing/temp_dir.h>

#include "db/db_pool.h"

namespace agape::kernel::testing {

enum class Backend { Sqlite, Postgres };

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

inline const char* pgTestUrl() {
  const char* url = std::getenv("AGAPE_TEST_PG_URL");
  return url && *url ? url : nullptr;
}

inline std::string randomHex(int chars) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < chars; ++i) out += kHex[rng() % 16];
  return out;
}

// The testing kit's temporary folder (agape/testing/temp_dir.h).
using agape::testing::TempDir;

inline std::string withQueryParam(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

// An empty database: a new SQLite file (in a directory that does not exist
// yet), or a new PostgreSQL schema put first on every connection's
// search_path, dropped again at the end.
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    if (backend == Backend::Sqlite) {
      url_ = "sqlite://" + (dir_.path() / "nested" / "test.db").string();
      return;
    }
    DatabaseConfig admin;
    admin.url = pgTestUrl();
    admin.poolSize = 1;
    admin_ = DbPool::open(admin);
    schema_ = "agape_t_" + randomHex(16);
    admin_->transact([&](Tx& tx) { tx.exec("CREATE SCHEMA " + schema_); });
    url_ = withQueryParam(pgTestUrl(), "options=-csearch_path%3D" + schema_);
  }
  ~TestDatabase() {
    if (admin_) admin_->transact([&](Tx& tx) { tx.exec("DROP SCHEMA " + schema_ + " CASCADE"); });
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  const std::string& url() const { return url_; }
  // The superuser pool outside the test schema (PostgreSQL only).
  DbPool& admin() const { return *admin_; }

  DatabaseConfig config(int poolSize = 4) const {
    DatabaseConfig cfg;
    cfg.url = url_;
    cfg.poolSize = poolSize;
    cfg.busyTimeout = std::chrono::milliseconds(5000);
    cfg.acquireTimeout = std::chrono::milliseconds(5000);
    return cfg;
  }
  std::unique_ptr<DbPool> open(int poolSize = 4) const { return DbPool::open(config(poolSize)); }

 private:
  Backend backend_;
  TempDir dir_;
  std::unique_ptr<DbPool> admin_;
  std::string schema_;
  std::string url_;
};

// Fixture of every backend-parameterised database test.
class DbTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Postgres && !pgTestUrl())
      GTEST_SKIP() << "PostgreSQL case skipped: set AGAPE_TEST_PG_URL to a superuser URL of a scratch database, "
                      "e.g. export AGAPE_TEST_PG_URL=$(scripts/pg-test-server.sh start /tmp/agape-pg)";
    database_ = std::make_unique<TestDatabase>(GetParam());
  }
  void TearDown() override { database_.reset(); }

  bool isPg() const { return GetParam() == Backend::Postgres; }
  TestDatabase& database() const { return *database_; }

 private:
  std::unique_ptr<TestDatabase> database_;
};

// Waits (up to `timeout`) until `condition` holds; false on timeout. For
// conditions set by other threads that offer nothing to wait on.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling interval, not a synchronisation
  }
  return true;
}

// A one-shot signal between threads, with a timeout so that a broken test
// fails instead of hanging.
class Signal {
 public:
  void notify() {
    {
      std::lock_guard lock(mutex_);
      set_ = true;
    }
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return set_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool set_ = false;
};

}  // namespace agape::kernel::testing
