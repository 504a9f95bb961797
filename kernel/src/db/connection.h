#pragma once
// One pooled database connection, as DbPool and its transactions see it.
// Every failure is thrown as an agape::DbError with a portable kind.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agape/db.h"

namespace agape::kernel {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // `statementTimeout` > 0 replaces the connection's default for this
  // transaction only (PostgreSQL; SQLite has no such limit).
  virtual void begin(bool readOnly, std::chrono::milliseconds statementTimeout) = 0;
  virtual void commit() = 0;
  // Ends the transaction if one is open; a no-op on a dead connection.
  virtual void rollback() = 0;

  // One statement, its named placeholders bound by name from `params`
  // (std::logic_error, before anything runs, when they do not match).
  virtual long long exec(std::string_view sql, const Params& params) = 0;
  virtual std::vector<Row> query(std::string_view sql, const Params& params) = 0;
  // Tx::execLater: queued to go with the next statement or the commit where
  // that saves round trips; at once here.
  virtual void execLater(std::string_view sql, const Params& params) { exec(sql, params); }
  // Several `;`-separated statements without parameters, split by the
  // database's own parser (migrations: triggers, dollar-quoted bodies).
  virtual void execScript(std::string_view sql) = 0;

  // Without a round trip: false when the connection is known to be broken,
  // is closed (its last reconnect failed) or was left inside a transaction.
  virtual bool healthy() const = 0;
  // Throws DbError(Unavailable) when the database cannot be reached; the
  // connection is then closed: healthy() is false, rollback() does nothing
  // and every statement throws DbError(Unavailable) until a reconnect works.
  virtual void reconnect() = 0;
  // One round trip that runs nothing (SELECT 1); throws like a statement.
  virtual void ping() { query("SELECT 1", {}); }
};

// `path` as given (relative to the cwd); the parent directory must exist.
std::unique_ptr<Connection> openSqliteConnection(const std::string& path, std::chrono::milliseconds busyTimeout);

#ifdef AGAPE_WITH_PG
struct PgSettings {
  std::string conninfo;     // libpq keyword=value string
  std::string redactedUrl;  // with `password`, keeps connection errors free of the secret
  std::string password;
  // Each query prepared once per connection and executed by name (off
  // behind a transaction-pooling proxy that cannot keep them).
  bool preparedStatements = true;
  std::chrono::milliseconds connectTimeout{3000};
  std::chrono::milliseconds lockTimeout{5000};        // 0: no limit
  std::chrono::milliseconds statementTimeout{30000};  // 0: no limit
  // TCP keep-alives and tcp_user_timeout (libpq keywords; the URL's win).
  std::chrono::milliseconds keepalivesIdle{10000};
  std::chrono::milliseconds keepalivesInterval{5000};
  int keepalivesCount = 3;
  std::chrono::milliseconds tcpUserTimeout{10000};
};
// Throws DbError(Unavailable) when it cannot connect.
std::unique_ptr<Connection> openPgConnection(const PgSettings& settings);
#endif

}  // namespace agape::kernel
