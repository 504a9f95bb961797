#include "db/db_url.h"

#include <gtest/gtest.h>

namespace agape::kernel {
namespace {

TEST(DbUrlTest, ParsesSqliteAbsoluteAndRelativePaths) {
  auto abs = parseDbUrl("sqlite:///var/lib/agape/shop.db");
  EXPECT_EQ(abs.dialect, Dialect::Sqlite);
  EXPECT_EQ(abs.sqlitePath, "/var/lib/agape/shop.db");
  EXPECT_EQ(parseDbUrl("sqlite://data/shop.db").sqlitePath, "data/shop.db");
}

TEST(DbUrlTest, RefusesUnsupportedUrls) {
  for (const char* url : {"mysql://u:p@h/db", "sqlite://", "sqlite://:memory:", "shop.db"}) {
    try {
      parseDbUrl(url);
      ADD_FAILURE() << "accepted " << url;
    } catch (const DbError& e) {
      EXPECT_EQ(e.kind(), DbError::Kind::Unavailable) << url;
    }
  }
}

TEST(DbUrlTest, RedactsPasswords) {
  EXPECT_EQ(redactDbUrl("postgresql://shop:s3cr3t@db.local:5432/shop?sslmode=require"),
            "postgresql://shop:***@db.local:5432/shop?sslmode=require");
  EXPECT_EQ(redactDbUrl("postgresql://shop@db.local/shop?password=s3cr3t&sslmode=disable"),
            "postgresql://shop@db.local/shop?password=***&sslmode=disable");
  EXPECT_EQ(redactDbUrl("postgresql://db.local:5432/shop"), "postgresql://db.local:5432/shop");
  EXPECT_EQ(redactDbUrl("sqlite:///data/shop.db"), "sqlite:///data/shop.db");
}

#ifdef AGAPE_WITH_PG
TEST(DbUrlTest, TurnsAPostgresUriIntoConninfo) {
  auto url = parseDbUrl("postgresql://shop:p%27w@db.local:6543/shop?options=-csearch_path%3Dx&connect_timeout=3");
  EXPECT_EQ(url.dialect, Dialect::Postgres);
  EXPECT_EQ(url.password, "p'w");
  EXPECT_EQ(url.redacted, "postgresql://shop:***@db.local:6543/shop?options=-csearch_path%3Dx&connect_timeout=3");
  for (const char* part : {"user='shop'", "password='p\\'w'", "host='db.local'", "port='6543'", "dbname='shop'",
                           "options='-csearch_path=x'", "connect_timeout='3'"})
    EXPECT_NE(url.conninfo.find(part), std::string::npos) << part << " in " << url.conninfo;
}

TEST(DbUrlTest, RefusesAMalformedPostgresUriWithoutThePassword) {
  try {
    parseDbUrl("postgresql://shop:hunter2@db.local/shop?no_such_option=1");
    FAIL() << "accepted an unknown option";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::Unavailable);
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}
#endif

}  // namespace
}  // namespace agape::kernel
