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

  virtual void begin(bool readOnly) = 0;
  virtual void commit() = 0;
  // Ends the transaction if one is open; a no-op on a dead connection.
  virtual void rollback() = 0;

  // One statement with named placeholders bound in order from `params`.
  virtual long long exec(std::string_view sql, const Params& params) = 0;
  virtual std::vector<Row> query(std::string_view sql, const Params& params) = 0;
  // Several `;`-separated statements without parameters, split by the
  // database's own parser (migrations: triggers, dollar-quoted bodies).
  virtual void execScript(std::string_view sql) = 0;

  // Without a round trip: false when the connection is known to be broken
  // or was left inside a transaction.
  virtual bool healthy() const = 0;
  // Throws DbError(Unavailable) when the database cannot be reached.
  virtual void reconnect() = 0;
};

// `path` as given (relative to the cwd); the parent directory must exist.
std::unique_ptr<Connection> openSqliteConnection(const std::string& path, std::chrono::milliseconds busyTimeout);

#ifdef AGAPE_WITH_PG
// `conninfo` is a libpq keyword=value string; `redactedUrl` and `password`
// keep connection errors free of the secret. With `preparedStatements`,
// each query is prepared once per connection and executed by name (turn it
// off behind a transaction-pooling proxy that cannot keep them).
std::unique_ptr<Connection> openPgConnection(const std::string& conninfo, const std::string& redactedUrl,
                                             const std::string& password, bool preparedStatements);
#endif

}  // namespace agape::kernel
