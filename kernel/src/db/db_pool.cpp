#include "db/db_pool.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "db/connection.h"
#include "db/db_errors.h"
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

using Steady = std::chrono::steady_clock;

long long steadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch()).count();
}

bool within(long long thenNs, std::chrono::nanoseconds window) {
  return thenNs != 0 && steadyNs() - thenNs < window.count();
}

// While up: a ping when nobody talked to the database for this long. While
// down: reconnect attempts from kRetryFirst doubling to kRetryMax.
constexpr std::chrono::milliseconds kPingEvery{1000};
constexpr std::chrono::milliseconds kRetryFirst{250};
constexpr std::chrono::milliseconds kRetryMax{1000};

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

std::unique_ptr<DbPool> DbPool::open(const DatabaseConfig& cfg, bool createSqliteFile) {
  if (cfg.poolSize < 1) throw std::invalid_argument("database pool size must be at least 1");
  const DbUrl url = parseDbUrl(cfg.url);
  std::vector<std::unique_ptr<Connection>> connections;
  connections.reserve(static_cast<std::size_t>(cfg.poolSize));
  if (url.dialect == Dialect::Sqlite) {
    std::error_code ec;
    if (!createSqliteFile && !std::filesystem::exists(url.sqlitePath, ec))
      throw DbError(DbError::Kind::Unavailable,
                    "the SQLite database " + url.sqlitePath +
                        " does not exist; create it with `agape migrate up` (a server in production never creates "
                        "an empty database by itself)");
    createParentDirectory(url.sqlitePath, url.redacted);
    for (int i = 0; i < cfg.poolSize; ++i) connections.push_back(openSqliteConnection(url.sqlitePath, cfg.busyTimeout));
  } else {
#ifdef AGAPE_WITH_PG
    const PgSettings settings{.conninfo = url.conninfo,
                              .redactedUrl = url.redacted,
                              .password = url.password,
                              .preparedStatements = cfg.preparedStatements,
                              .connectTimeout = cfg.connectTimeout,
                              .lockTimeout = cfg.lockTimeout,
                              .statementTimeout = cfg.statementTimeout,
                              .keepalivesIdle = cfg.keepalivesIdle,
                              .keepalivesInterval = cfg.keepalivesInterval,
                              .keepalivesCount = cfg.keepalivesCount,
                              .tcpUserTimeout = cfg.tcpUserTimeout};
    for (int i = 0; i < cfg.poolSize; ++i) connections.push_back(openPgConnection(settings));
#endif
  }
  auto pool = std::unique_ptr<DbPool>(new DbPool(url.dialect, url.redacted, std::move(connections), cfg.acquireTimeout));
  if (url.dialect == Dialect::Sqlite) {
    struct stat st {};
    if (::stat(url.sqlitePath.c_str(), &st) != 0)
      throw DbError(DbError::Kind::Unavailable, "cannot stat the SQLite database " + url.sqlitePath);
    pool->sqlitePath_ = url.sqlitePath;
    pool->sqliteFile_ = {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
  }
  pool->noteAnswer();
  pool->monitor_ = std::thread([p = pool.get()] { p->monitor(); });
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

DbPool::~DbPool() {
  {
    std::lock_guard lock(healthMutex_);
    stopping_ = true;
  }
  healthCv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
}

Dialect DbPool::dialect() const { return dialect_; }

std::string DbPool::redactedUrl() const { return redactedUrl_; }

DbPool::Stats DbPool::stats() const {
  std::lock_guard lock(mutex_);
  const int size = static_cast<int>(connections_.size());
  return Stats{size, size - static_cast<int>(idle_.size()), acquisitions_, waits_, retries_.load()};
}

DbPool::Lease DbPool::acquire() {
  auto downError = [&] {
    std::lock_guard lock(healthMutex_);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Steady::now() - downSince_).count();
    return DatabaseDown("the database at " + redactedUrl_ + " is unavailable (down for " + std::to_string(seconds) +
                        " s); not trying until it is back");
  };
  // Fail fast: while the database is known to be down, trying to connect
  // for every request would only make each of them wait.
  if (!up_) throw downError();
  Connection* connection = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (idle_.empty()) {
      ++waits_;
      if (!available_.wait_for(lock, acquireTimeout_, [&] { return !idle_.empty() || !up_; }))
        throw DbError(DbError::Kind::Unavailable,
                      "database pool exhausted: no connection became free within " +
                          std::to_string(acquireTimeout_.count()) + " ms (pool size " +
                          std::to_string(connections_.size()) + ")");
      if (!up_) {
        lock.unlock();
        throw downError();
      }
    }
    connection = idle_.back();
    idle_.pop_back();
    ++acquisitions_;
  }
  Lease lease(this, connection);
  // A connection found broken (server restarted), closed (an earlier
  // reconnect failed) or left inside a transaction is replaced before use;
  // if that fails the lease gives it back.
  if (!connection->healthy()) reconnect(*connection);
  return lease;
}

std::optional<DbPool::Lease> DbPool::tryAcquire() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return std::nullopt;
  Connection* connection = idle_.back();
  idle_.pop_back();
  return std::optional<Lease>(std::in_place, this, connection);
}

void DbPool::reconnect(Connection& connection) {
  try {
    connection.reconnect();
  } catch (const DbError& e) {
    markDown(e.what());
    throw;
  }
  ++reconnects_;
  noteAnswer();
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
      return attempt(fn, options);
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::Retryable || attemptNo >= maxAttempts) throw;
      ++retries_;
      log_.debug("retrying transaction",
                 {{"attempt", std::to_string(attemptNo + 1)}, {"of", std::to_string(maxAttempts)}, {"reason", e.what()}});
    }
    backoff(attemptNo);
  }
}

std::vector<std::function<void()>> DbPool::attempt(const std::function<void(Tx&)>& fn, const TxOptions& options) {
  if (!options.readOnly) requireSqliteFile();
  Lease lease = acquire();
  Connection& connection = lease.connection();
  PooledTx tx(connection);
  try {
    beginReconnectingOnce(connection, options);
    fn(tx);
    tx.flushPending();
    connection.commit();
  } catch (const DbError& e) {
    // Roll back whatever failed (the callback, a statement, the commit) and
    // rethrow the very same exception object.
    tx.close();
    rollbackAfterFailure(connection);
    noteFailure(e, connection, options.readOnly);
    throw;
  } catch (...) {
    tx.close();
    rollbackAfterFailure(connection);
    throw;
  }
  noteAnswer();
  if (!options.readOnly && lastStorageFailureNs_.load(std::memory_order_relaxed) != 0) lastStorageFailureNs_ = 0;
  return tx.close();
}

// A connection the server dropped (restart, idle kill) is only noticed when
// used. Nothing has run yet at BEGIN, so reconnecting and beginning again is
// safe. (PostgreSQL sends BEGIN with the first statement and reopens a
// dropped connection there itself.)
void DbPool::beginReconnectingOnce(Connection& connection, const TxOptions& options) {
  try {
    connection.begin(options.readOnly, options.statementTimeout);
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::Unavailable || connection.healthy()) throw;
    log_.debug("database connection lost; reconnecting", {{"url", redactedUrl_}, {"error", e.what()}});
    reconnect(connection);
    connection.begin(options.readOnly, options.statementTimeout);
  }
}

void DbPool::noteAnswer() noexcept { lastAnswerNs_.store(steadyNs(), std::memory_order_relaxed); }

void DbPool::noteFailure(const DbError& error, Connection& connection, bool readOnly) noexcept {
  if (dynamic_cast<const StorageFailure*>(&error)) {
    if (!readOnly) lastStorageFailureNs_ = steadyNs();
    return;
  }
  // A lost connection may be this one only (terminated, idle timeout) or
  // the whole server: the background thread finds out which.
  if (error.kind() == DbError::Kind::Unavailable && !connection.healthy()) checkSoon();
}

void DbPool::checkSoon() {
  {
    std::lock_guard lock(healthMutex_);
    checkRequested_ = true;
  }
  healthCv_.notify_all();
}

void DbPool::markDown(const std::string& reason) {
  {
    std::lock_guard lock(healthMutex_);
    if (!up_) return;
    up_ = false;
    downSince_ = Steady::now();
    ++outages_;
  }
  // Under mutex_ so that a waiter between its check and its wait sees it.
  { std::lock_guard lock(mutex_); }
  available_.notify_all();
  healthCv_.notify_all();
  log_.warn("database unavailable; answering 503 and retrying in the background until it is back",
            {{"url", redactedUrl_}, {"error", reason}});
}

void DbPool::markUp() {
  long long downMs = 0, attempts = 0;
  {
    std::lock_guard lock(healthMutex_);
    if (up_) return;
    up_ = true;
    downMs = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - downSince_).count();
    attempts = reconnectAttempts_;
  }
  log_.info("database recovered", {{"url", redactedUrl_}, {"downMs", std::to_string(downMs)},
                                   {"reconnectAttempts", std::to_string(attempts)}});
}

void DbPool::pingOn(Connection& connection) {
  try {
    connection.ping();
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::Unavailable || connection.healthy()) throw;
    reconnect(connection);
    connection.ping();
  }
  noteAnswer();
}

// The background thread: pings while up and idle, reconnects with back-off
// while down. Only it decides that the database is back.
void DbPool::monitor() {
  std::chrono::milliseconds retryIn = kRetryFirst;
  std::unique_lock lock(healthMutex_);
  while (!stopping_) {
    const bool down = !up_;
    healthCv_.wait_for(lock, down ? retryIn : kPingEvery, [&] { return stopping_ || checkRequested_; });
    if (stopping_) break;
    const bool requested = std::exchange(checkRequested_, false);
    lock.unlock();
    if (up_) {
      retryIn = kRetryFirst;
      // Traffic keeps the answer fresh; ping only a quiet database.
      if (requested || !within(lastAnswerNs_, kPingEvery)) {
        if (auto lease = tryAcquire()) {
          try {
            pingOn(lease->connection());
          } catch (const std::exception& e) {
            log_.debug("database ping failed", {{"error", e.what()}});
          }
        }
      }
    } else if (auto lease = tryAcquire()) {
      {
        std::lock_guard attempts(healthMutex_);
        ++reconnectAttempts_;
      }
      try {
        reconnect(lease->connection());
        markUp();
      } catch (const std::exception&) {
        retryIn = std::min(kRetryMax, retryIn * 2);
      }
    }
    lock.lock();
  }
}

bool DbPool::sqliteFileIntact() const {
  if (sqlitePath_.empty()) return true;
  struct stat st {};
  return ::stat(sqlitePath_.c_str(), &st) == 0 && static_cast<unsigned long long>(st.st_dev) == sqliteFile_.device &&
         static_cast<unsigned long long>(st.st_ino) == sqliteFile_.inode;
}

// Deleting the data directory under a running server leaves its open file
// writable but unreachable: writes would succeed into a file that is gone.
// One stat per write transaction is the price of never losing them silently.
void DbPool::requireSqliteFile() {
  if (sqliteFileIntact()) return;
  if (!sqliteFileLost_.exchange(true))
    log_.error("the SQLite database file was removed or replaced while the server ran; refusing writes until a "
               "restart (restore the file, or run `agape migrate up` for a new one)",
               {{"path", sqlitePath_}});
  throw DbError(DbError::Kind::Unavailable, "the SQLite database file " + sqlitePath_ + " was removed or replaced");
}

DbPool::Health DbPool::health() const {
  Health h;
  h.up = up_;
  h.answering = within(lastAnswerNs_, kAnswerWindow);
  h.writesFailing = within(lastStorageFailureNs_, kWriteFailureWindow);
  h.fileIntact = sqliteFileIntact();
  h.reconnects = reconnects_;
  std::lock_guard lock(healthMutex_);
  if (!h.up) h.downFor = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - downSince_);
  h.reconnectAttempts = reconnectAttempts_;
  h.outages = outages_;
  return h;
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
    pingOn(lease.connection());
    return true;
  } catch (const std::exception& e) {
    log_.debug("database ping failed", {{"url", redactedUrl_}, {"error", e.what()}});
    return false;
  }
}

}  // namespace agape::kernel
