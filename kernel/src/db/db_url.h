#pragma once
// Parsing of the `database.url` setting into what a backend needs to
// connect, plus a form of the URL that is safe to log.

#include <string>

#include "agape/db.h"

namespace agape::kernel {

struct DbUrl {
  Dialect dialect = Dialect::Sqlite;
  std::string sqlitePath;  // SQLite: the file, as written (relative to the cwd when not absolute)
  std::string conninfo;    // PostgreSQL: libpq keyword=value string, including the password
  std::string password;    // PostgreSQL: the password, so that messages can be scrubbed of it
  std::string redacted;    // the URL with the password replaced by ***
};

// Throws DbError(Kind::Unavailable) for an unsupported or malformed URL; the
// message carries the redacted URL only.
DbUrl parseDbUrl(const std::string& url);

// The URL with any password (user:pw@ or password=pw) replaced by ***.
std::string redactDbUrl(const std::string& url);

}  // namespace agape::kernel
