#pragma once
// A database for a plugin's tests, as the server would give it: the kernel's
// own schema (jobs, events, audit) and then the given plugins' migrations
// applied. SQLite in a temporary file by default; PostgreSQL in a fresh
// schema of a scratch database (AGAPE_TEST_PG_URL, or a URL given), dropped
// again with the TestDatabase, so tests never see each other's rows.
//
//   agape::testing::TestDatabase database({.backend = agape::testing::Backend::Postgres,
//                                          .migrations = {{"loyalty", "migrations/loyalty"}}});
//   database.db().run([](agape::Tx& tx) { ... });

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agape/db.h"
#include "agape/version.h"

namespace agape::testing {

enum class Backend { Sqlite, Postgres };
AGAPE_API const char* backendName(Backend backend) noexcept;  // "Sqlite", "Postgres"

// AGAPE_TEST_PG_URL: a superuser URL of a scratch PostgreSQL database
// (scripts/pg-test-server.sh prints one); empty when it is not set.
AGAPE_API std::string postgresTestUrl();

// A plugin's migrations folder, laid out as the server reads it:
// <dir>/sqlite/NNNN_name.sql and <dir>/postgresql/NNNN_name.sql.
struct Migrations {
  std::string pluginId;
  std::string dir;
};

// The folder the server uses for `pluginId` when its configuration lists
// `migrationPaths` (plugins.migrationPaths): <root>/<pluginId> of the first
// root that has one; empty when none has.
AGAPE_API std::string findMigrations(std::string_view pluginId, const std::vector<std::string>& migrationPaths);

struct TestDatabaseOptions {
  Backend backend = Backend::Sqlite;
  // PostgreSQL only: the scratch database; empty means AGAPE_TEST_PG_URL.
  std::string postgresUrl;
  // Applied after the kernel's schema, in this order: a plugin's
  // dependencies before the plugin.
  std::vector<Migrations> migrations;
  int poolSize = 4;  // connections, for tests that race transactions
};

class AGAPE_API TestDatabase {
 public:
  // Throws std::runtime_error when PostgreSQL is asked for without a URL,
  // agape::DbError when the database cannot be reached, and the migrator's
  // error (naming the file) when a migration fails.
  explicit TestDatabase(TestDatabaseOptions options = {});
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Database& db();
  Backend backend() const;
  // The same data for another client (a server started by the test):
  // sqlite://<file>, or the scratch database's URL with this schema first
  // on the search path.
  const std::string& url() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace agape::testing
