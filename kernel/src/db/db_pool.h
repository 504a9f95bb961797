#pragma once
// The kernel's agape::Database: a fixed pool of connections to one SQLite
// file or one PostgreSQL database, running each transaction callback on one
// connection, with retries on serialization failures and SQLite busy errors.
//
// It also knows whether the database is there. A reconnect that fails marks
// it down (one warning); while down, transactions fail at once with
// DbError(Unavailable) and a background thread tries to reconnect with
// back-off (250 ms doubling to 1 s), marking it up (one info line) when it
// can. While up, that thread pings when nothing else has talked to the
// database for a second, so health() is fresh without anyone waiting on it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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
  // connect; the message never contains the password. Without
  // `createSqliteFile`, a SQLite file that does not exist is an error
  // instead of a new empty database.
  static std::unique_ptr<DbPool> open(const DatabaseConfig& cfg, bool createSqliteFile = true);
  ~DbPool() override;
  DbPool(const DbPool&) = delete;
  DbPool& operator=(const DbPool&) = delete;

  Dialect dialect() const override;
  // Throws std::logic_error when called from inside a transaction of this
  // pool on the same thread (it would wait for a connection it holds).
  void transact(const std::function<void(Tx&)>& fn, TxOptions options = {}) override;

  // A cheap SELECT 1 on a pooled connection; false if the database does not answer.
  bool ping() noexcept;

  // What the pool knows, without touching the database.
  struct Health {
    bool up = true;             // false from a failed (re)connect until one succeeds
    bool answering = true;      // a round trip succeeded within kAnswerWindow
    bool writesFailing = false;  // a write found no storage within kWriteFailureWindow, none worked since
    bool fileIntact = true;     // SQLite: the path still names the file the pool opened
    std::chrono::milliseconds downFor{0};
    long long reconnectAttempts = 0;  // by the background thread while down
    long long reconnects = 0;         // connections re-opened successfully
    long long outages = 0;
    bool ready() const { return up && answering && !writesFailing && fileIntact; }
  };
  Health health() const;
  static constexpr std::chrono::seconds kAnswerWindow{10};
  static constexpr std::chrono::seconds kWriteFailureWindow{10};

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

  // A SQLite file's identity: the same path may name another file later.
  struct FileId {
    unsigned long long device = 0;
    unsigned long long inode = 0;
  };

  DbPool(Dialect dialect, std::string redactedUrl, std::vector<std::unique_ptr<Connection>> connections,
         std::chrono::milliseconds acquireTimeout);

  Lease acquire();
  // An idle connection without waiting (the background thread), or none.
  std::optional<Lease> tryAcquire();
  void release(Connection* connection);
  // Reopens `connection`; a failure marks the database down and is rethrown.
  void reconnect(Connection& connection);
  // SELECT 1, reconnecting once if the connection was dropped.
  void pingOn(Connection& connection);
  void markDown(const std::string& reason);
  void markUp();
  void noteAnswer() noexcept;
  void noteFailure(const DbError& error, Connection& connection, bool readOnly) noexcept;
  // Makes the background thread look at the database now.
  void checkSoon();
  void monitor();
  // SQLite: throws DbError(Unavailable), logging an error once, when the
  // database file was removed or replaced under the running server.
  void requireSqliteFile();
  bool sqliteFileIntact() const;
  std::vector<std::function<void()>> attemptWithRetries(const std::function<void(Tx&)>& fn, const TxOptions& options);
  // One attempt: begin, callback, commit. Returns the after-commit hooks.
  std::vector<std::function<void()>> attempt(const std::function<void(Tx&)>& fn, const TxOptions& options);
  void beginReconnectingOnce(Connection& connection, const TxOptions& options);
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

  std::string sqlitePath_;  // SQLite only
  FileId sqliteFile_;
  std::atomic<bool> sqliteFileLost_{false};

  // Health. up_ is read without the lock on every acquisition.
  std::atomic<bool> up_{true};
  std::atomic<long long> lastAnswerNs_{0};         // steady clock
  std::atomic<long long> lastStorageFailureNs_{0};  // steady clock; 0: none since the last good write
  std::atomic<long long> reconnects_{0};
  mutable std::mutex healthMutex_;
  std::condition_variable healthCv_;                  // wakes the background thread
  std::chrono::steady_clock::time_point downSince_;  // guarded by healthMutex_
  long long outages_ = 0;                            // guarded by healthMutex_
  long long reconnectAttempts_ = 0;                  // guarded by healthMutex_
  bool checkRequested_ = false;                      // guarded by healthMutex_
  bool stopping_ = false;                            // guarded by healthMutex_
  std::thread monitor_;
  JsonLogger log_{"db"};
};

}  // namespace agape::kernel
