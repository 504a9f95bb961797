#pragma once
// GoogleTest fixture for tests that run once per database: SQLite always,
// PostgreSQL when AGAPE_TEST_PG_URL is set (skipped, saying so, when not).
//
//   class LoyaltyStoreTest : public agape::testing::DatabaseTest {};
//   TEST_P(LoyaltyStoreTest, Adds) {
//     auto database = makeDatabase({{"loyalty", "migrations/loyalty"}});
//     database->db().run(...);
//   }
//   AGAPE_DATABASE_TESTS(LoyaltyStoreTest);

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agape/testing/test_database.h"

namespace agape::testing {

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Postgres && postgresTestUrl().empty())
      GTEST_SKIP() << "PostgreSQL case skipped: set AGAPE_TEST_PG_URL to a superuser URL of a scratch database, "
                      "e.g. export AGAPE_TEST_PG_URL=$(scripts/pg-test-server.sh start /tmp/agape-pg)";
  }
  Backend backend() const { return GetParam(); }
  bool isPostgres() const { return GetParam() == Backend::Postgres; }
  // A fresh database of this test's backend with the kernel's schema and
  // then `migrations`.
  std::unique_ptr<TestDatabase> makeDatabase(std::vector<Migrations> migrations, int poolSize = 4) const {
    return std::make_unique<TestDatabase>(
        TestDatabaseOptions{.backend = backend(), .migrations = std::move(migrations), .poolSize = poolSize});
  }
};

inline std::string databaseTestName(const ::testing::TestParamInfo<Backend>& info) {
  return backendName(info.param);
}

}  // namespace agape::testing

#define AGAPE_DATABASE_TESTS(Fixture)                                                                        \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture,                                                              \
                           ::testing::Values(::agape::testing::Backend::Sqlite,                            \
                                             ::agape::testing::Backend::Postgres),                         \
                           ::agape::testing::databaseTestName)
