#pragma once
// The kernel's agape::Database: a fixed pool of connections to one SQLite
// file or one PostgreSQL database, running each transaction callback on one
// connection, with retries on serialization failures and SQLite busy errors.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agape/db.h"
#include "config/kernel_config.h"
#include "log/log.h"

namespace agape::kernel {

class Connection;

class DbPool final : public agape::Database {
 public:
  // sqlite:///abs/path.db or sqlite://relative/path.db (relative to the
  // process cwd; callers resolve it beforehand), postgresql://user:pw@host:port/db?params
  // (a libpq URI). Throws agape::DbError(Kind::Unavailable) when it cannot
  // connect; the message never contains the password.
  static std::unique_ptr<DbPool> open(const DatabaseConfig& cfg);
  ~DbPool() override;
  DbPool(const DbPool&) = delete;
  DbPool& operator=(const DbPool&) = delete;

  Dialect dialect() const override;
  // Throws std::logic_error when called from inside a transaction of this
  // pool on the same thread (it would wait for a connection it holds).
  void transact(const std::function<void(Tx&)>& fn, TxOptions options = {}) override;

  // A cheap SELECT 1 on a pooled connection; false if the database does not answer.
  bool ping() noexcept;

  struct Stats {
    int size;
    int inUse;
    long long acquisitions;  // connections handed out
    long long waits;         // acquisitions that found no idle connection
    long long retries;       // transaction attempts re-run after a retryable failure
  };
  Stats stats() const;
  std::string redactedUrl() const;  // password replaced by ***

 private:
  class Lease;

  DbPool(Dialect dialect, std::string redactedUrl, std::vector<std::unique_ptr<Connection>> connections,
         std::chrono::milliseconds acquireTimeout);

  Lease acquire();
  void release(Connection* connection);
  std::vector<std::function<void()>> attemptWithRetries(const std::function<void(Tx&)>& fn, const TxOptions& options);
  // One attempt: begin, callback, commit. Returns the after-commit hooks.
  std::vector<std::function<void()>> attempt(const std::function<void(Tx&)>& fn, bool readOnly);
  void beginReconnectingOnce(Connection& connection, bool readOnly);
  void rollbackAfterFailure(Connection& connection) noexcept;
  void runAfterCommit(std::vector<std::function<void()>>& hooks) noexcept;

  const Dialect dialect_;
  const std::string redactedUrl_;
  const std::chrono::milliseconds acquireTimeout_;
  const std::vector<std::unique_ptr<Connection>> connections_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Connection*> idle_;  // guarded by mutex_
  long long acquisitions_ = 0;     // guarded by mutex_
  long long waits_ = 0;            // guarded by mutex_
  std::atomic<long long> retries_{0};
  JsonLogger log_{"db"};
};

}  // namespace agape::kernel
