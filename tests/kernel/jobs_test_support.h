#pragma once
// A database with the kernel schema applied, a ManualClock and a JobRunner
// over them, for the jobs, events and audit tests (SQLite and PostgreSQL).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "agape/testing/manual_clock.h"
#include "db_test_support.h"
#include "jobs/job_runner.h"
#include "log/log.h"
#include "metrics/registry.h"
#include "migrate/migrator.h"

namespace agape::kernel::testing {

inline void migrateKernel(DbPool& db) {
  JsonLogger log("test");
  Migrator(db, {Migrator::kernelSource()}).up(log);
}

class JobsDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (IsSkipped()) return;
    db_ = database().open(8);
    migrateKernel(*db_);
    config_.pollInterval = std::chrono::milliseconds(50);
  }
  void TearDown() override {
    runners_.clear();
    db_.reset();
    DbTest::TearDown();
  }

  // A runner on `db` (default: the fixture's pool) sharing the ManualClock.
  JobRunner& newRunner(Database* db = nullptr) {
    runners_.push_back(std::make_unique<JobRunner>(db ? *db : *db_, clock_, metrics_, config_));
    return *runners_.back();
  }

  long long count(const std::string& sqlWithCount, const Params& params = {}) {
    return db_->read([&](Tx& tx) { return tx.one(sqlWithCount, params)->integer("n"); });
  }
  Row jobRow(const std::string& id) {
    return db_->read([&](Tx& tx) {
      return *tx.one("SELECT status, attempts, run_at, last_error, locked_by FROM agape_jobs WHERE id = :id",
                     {{"id", std::stoll(id)}});
    });
  }
  long long nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
  }

  std::unique_ptr<DbPool> db_;
  agape::testing::ManualClock clock_;
  MetricsRegistry metrics_;
  JobsConfig config_;
  std::vector<std::unique_ptr<JobRunner>> runners_;
};

}  // namespace agape::kernel::testing
