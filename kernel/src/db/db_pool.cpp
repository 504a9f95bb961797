#include "db/db_pool.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "db/connection.h"
#include "db/db_url.h"
#include "db/pooled_tx.h"

namespace agape::kernel {
namespace {

// Pools whose transaction is running on this thread, to refuse a nested
// transact() that would otherwise wait for the connection it already holds.
thread_local std::vector<const DbPool*> tActivePools;

class ActiveGuard {
 public:
  explicit ActiveGuard(const DbPool* pool) : pool_(pool) {
    if (std::find(tActivePools.begin(), tActivePools.end(), pool) != tActivePools.end())
      throw std::logic_error("transact() called inside a transaction of the same database on this thread; "
                             "use the Tx the callback received");
    tActivePools.push_back(pool);
  }
  ~ActiveGuard() { tActivePools.erase(std::find(tActivePools.begin(), tActivePools.end(), pool_)); }
  ActiveGuard(const ActiveGuard&) = delete;
  ActiveGuard& operator=(const ActiveGuard&) = delete;

 private:
  const DbPool* pool_;
};

// Jittered exponential backoff: 1-2 ms, 2-4 ms ... capped at 25-50 ms, so
// that competing transactions do not retry in lockstep.
void backoff(int attempt) {
  using namespace std::chrono;
  constexpr long long kBaseUs = 2000;
  constexpr long long kCapUs = 50000;
  const long long ceiling = std::min(kCapUs, kBaseUs << std::min(attempt - 1, 10));
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_int_distribution<long long> pick(ceiling / 2, ceiling);
  std::this_thread::sleep_for(microseconds(pick(rng)));
}

void createParentDirectory(const std::string& file, const std::string& redactedUrl) {
  const std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw DbError(DbError::Kind::Unavailable,
                  "cannot create the directory " + parent.string() + " for " + redactedUrl + ": " + ec.message());
}

}  // namespace

// A connection taken from the pool, given back when the lease ends.
class DbPool::Lease {
 public:
  Lease(DbPool* pool, Connection* connection) : pool_(pool), connection_(connection) {}
  ~Lease() {
    if (connection_) pool_->release(connection_);
  }
  Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::exchange(other.connection_, nullptr)) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  Connection& connection() const { return *connection_; }

 private:
  DbPool* pool_;
  Connection* connection_;
};

std::unique_ptr<DbPool> DbPool::open(const DatabaseConfig& cfg) {
  if (cfg.poolSize < 1) throw std::invalid_argument("database pool size must be at least 1");
  const DbUrl url = parseDbUrl(cfg.url);
  std::vector<std::unique_ptr<Connection>> connections;
  connections.reserve(static_cast<std::size_t>(cfg.poolSize));
  if (url.dialect == Dialect::Sqlite) {
    createParentDirectory(url.sqlitePath, url.redacted);
    for (int i = 0; i < cfg.poolSize; ++i) connections.push_back(openSqliteConnection(url.sqlitePath, cfg.busyTimeout));
  } else {
#ifdef AGAPE_WITH_PG
    for (int i = 0; i < cfg.poolSize; ++i)
      connections.push_back(openPgConnection(url.conninfo, url.redacted, url.password, cfg.preparedStatements));
#endif
  }
  auto pool = std::unique_ptr<DbPool>(new DbPool(url.dialect, url.redacted, std::move(connections), cfg.acquireTimeout));
  pool->log_.info("database pool open", {{"url", url.redacted}, {"size", std::to_string(cfg.poolSize)}});
  return pool;
}

DbPool::DbPool(Dialect dialect, std::string redactedUrl, std::vector<std::unique_ptr<Connection>> connections,
               std::chrono::milliseconds acquireTimeout)
    : dialect_(dialect),
      redactedUrl_(std::move(redactedUrl)),
      acquireTimeout_(acquireTimeout),
      connections_(std::move(connections)) {
  for (const auto& c : connections_) idle_.push_back(c.get());
}

DbPool::~DbPool() = default;

Dialect DbPool::dialect() const { return dialect_; }

std::string DbPool::redactedUrl() const { return redactedUrl_; }

DbPool::Stats DbPool::stats() const {
  std::lock_guard lock(mutex_);
  const int size = static_cast<int>(connections_.size());
  return Stats{size, size - static_cast<int>(idle_.size()), acquisitions_, waits_, retries_.load()};
}

DbPool::Lease DbPool::acquire() {
  Connection* connection = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (idle_.empty()) {
      ++waits_;
      if (!available_.wait_for(lock, acquireTimeout_, [&] { return !idle_.empty(); }))
        throw DbError(DbError::Kind::Unavailable,
                      "database pool exhausted: no connection became free within " +
                          std::to_string(acquireTimeout_.count()) + " ms (pool size " +
                          std::to_string(connections_.size()) + ")");
    }
    connection = idle_.back();
    idle_.pop_back();
    ++acquisitions_;
  }
  Lease lease(this, connection);
  // A connection found broken (server restarted) or left inside a
  // transaction is replaced before use; if that fails the lease gives it back.
  if (!connection->healthy()) {
    log_.warn("reconnecting a database connection", {{"url", redactedUrl_}});
    connection->reconnect();
  }
  return lease;
}

void DbPool::release(Connection* connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(connection);
  }
  available_.notify_one();
}

void DbPool::transact(const std::function<void(Tx&)>& fn, TxOptions options) {
  std::vector<std::function<void()>> hooks;
  {
    ActiveGuard guard(this);
    hooks = attemptWithRetries(fn, options);
  }
  // Outside the guard and with the connection back in the pool: a hook may
  // well start a transaction of its own.
  runAfterCommit(hooks);
}

std::vector<std::function<void()>> DbPool::attemptWithRetries(const std::function<void(Tx&)>& fn,
                                                              const TxOptions& options) {
  const int maxAttempts = std::max(1, options.maxAttempts);
  for (int attemptNo = 1;; ++attemptNo) {
    try {
      return attempt(fn, options.readOnly);
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::Retryable || attemptNo >= maxAttempts) throw;
      ++retries_;
      log_.debug("retrying transaction",
                 {{"attempt", std::to_string(attemptNo + 1)}, {"of", std::to_string(maxAttempts)}, {"reason", e.what()}});
    }
    backoff(attemptNo);
  }
}

std::vector<std::function<void()>> DbPool::attempt(const std::function<void(Tx&)>& fn, bool readOnly) {
  Lease lease = acquire();
  Connection& connection = lease.connection();
  beginReconnectingOnce(connection, readOnly);
  PooledTx tx(connection);
  try {
    fn(tx);
    connection.commit();
  } catch (...) {
    // Roll back whatever failed (the callback, a statement, the commit) and
    // rethrow the very same exception object.
    tx.close();
    rollbackAfterFailure(connection);
    throw;
  }
  return tx.close();
}

// A connection the server dropped (restart, idle kill) is only noticed when
// used. Nothing has run yet at BEGIN, so reconnecting and beginning again is
// safe. (PostgreSQL sends BEGIN with the first statement and reopens a
// dropped connection there itself.)
void DbPool::beginReconnectingOnce(Connection& connection, bool readOnly) {
  try {
    connection.begin(readOnly);
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::Unavailable || connection.healthy()) throw;
    log_.warn("database connection lost; reconnecting", {{"url", redactedUrl_}, {"error", e.what()}});
    connection.reconnect();
    connection.begin(readOnly);
  }
}

void DbPool::rollbackAfterFailure(Connection& connection) noexcept {
  try {
    connection.rollback();
  } catch (const std::exception& e) {
    // The original failure matters more; the connection reports itself
    // unhealthy and is replaced on its next acquisition.
    log_.warn("rollback failed", {{"error", e.what()}});
  }
}

void DbPool::runAfterCommit(std::vector<std::function<void()>>& hooks) noexcept {
  for (auto& hook : hooks) {
    try {
      hook();
    } catch (const std::exception& e) {
      log_.error("after-commit callback failed", {{"error", e.what()}});
    } catch (...) {
      log_.error("after-commit callback failed with a non-standard exception");
    }
  }
}

bool DbPool::ping() noexcept {
  try {
    Lease lease = acquire();
    Connection& connection = lease.connection();
    try {
      connection.query("SELECT 1", {});
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::Unavailable || connection.healthy()) throw;
      log_.warn("database connection lost; reconnecting", {{"url", redactedUrl_}, {"error", e.what()}});
      connection.reconnect();
      connection.query("SELECT 1", {});
    }
    return true;
  } catch (const std::exception& e) {
    log_.warn("database ping failed", {{"url", redactedUrl_}, {"error", e.what()}});
    return false;
  }
}

}  // namespace agape::kernel
