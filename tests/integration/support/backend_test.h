#pragma once
// A test fixture parameterised on the database behind the server: SQLite (a
// file in the test's directory) or PostgreSQL (a fresh schema in the
// database named by AGAPE_TEST_PG_URL, skipped when it is not set).
//
//   class MyTest : public BackendTest {};
//   TEST_P(MyTest, Works) { ... testConfig(dir_, port, plugins, extra, databaseUrl()) ... }
//   AGAPE_BACKENDS(MyTest);
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#ifdef AGAPE_WITH_PG
#include "support/pg_schema.h"
#endif

namespace agape::test {

enum class Backend { Sqlite, Postgres };

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() != Backend::Postgres) return;
#ifdef AGAPE_WITH_PG
    const char* pg = std::getenv("AGAPE_TEST_PG_URL");
    if (!pg) GTEST_SKIP() << "AGAPE_TEST_PG_URL is not set (scripts/test.sh starts PostgreSQL)";
    schema_ = std::make_unique<PgSchema>(pg);
#else
    GTEST_SKIP() << "built without PostgreSQL";
#endif
  }
  // "" for SQLite (testConfig's default), else the schema's URL.
  std::string databaseUrl() const {
#ifdef AGAPE_WITH_PG
    if (schema_) return schema_->url();
#endif
    return "";
  }

#ifdef AGAPE_WITH_PG
  std::unique_ptr<PgSchema> schema_;
#endif
};

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

}  // namespace agape::test

#define AGAPE_BACKENDS(Fixture)                                                                            \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture,                                                             \
                           ::testing::Values(::agape::test::Backend::Sqlite, ::agape::test::Backend::Postgres), \
                           ::agape::test::backendName)
