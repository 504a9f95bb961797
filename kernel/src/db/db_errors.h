#pragma once
// Turning backend failures into portable agape::DbError kinds, with messages
// that are useful in logs and never carry bound parameter values.

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

#include "agape/db.h"

namespace agape::kernel {

DbError::Kind kindForSqlState(std::string_view sqlstate);
DbError::Kind kindForSqliteCode(int extendedCode);

// The database could not store a write (disk full, I/O error, read-only
// file): Unavailable for the client, and the pool reports failing writes
// to /readyz until a write succeeds again.
class StorageFailure final : public DbError {
 public:
  explicit StorageFailure(const std::string& message) : DbError(Kind::Unavailable, message) {}
};
// Thrown at once, without trying, while the pool knows the database is
// down; the outage was logged once when it began, so nobody logs this one.
class DatabaseDown final : public DbError {
 public:
  explicit DatabaseDown(const std::string& message) : DbError(Kind::Unavailable, message) {}
};

// A failure for want of the database (DbError Unavailable): background
// loops pause and try again instead of logging each try.
bool databaseUnavailable(const std::exception& e);
// The next pause of such a loop: 250 ms at first (a blip), doubling up to
// 1 s, so work resumes within a second of the database's return.
std::chrono::milliseconds nextOutagePause(std::chrono::milliseconds pause);

bool isStorageSqlState(std::string_view sqlstate);
bool isStorageSqliteCode(int extendedCode);

// Removes the values of `params` where a backend message echoes them
// (quoted, parenthesised, or verbatim when long enough to be unambiguous).
std::string scrubParams(std::string message, const Params& params);

// "<message> (<code>) in: <sql>", the SQL shortened to one line.
std::string describeFailure(std::string_view message, std::string_view code, std::string_view sql);

}  // namespace agape::kernel
