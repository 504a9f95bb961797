// The database going away and coming back, below HTTP: a PostgreSQL
// connection whose reconnect failed is closed (every method safe, none
// touching a freed handle), the pool fails fast while the database is down
// and recovers by itself, lock and statement timeouts are "unavailable",
// and SQLite reports a removed file and a full disk instead of losing
// writes. The PostgreSQL cases start a server of their own, which they stop
// and start; they are skipped without AGAPE_TEST_PG_URL like the other
// PostgreSQL tests.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/own_postgres.h"
#include "db/connection.h"
#include "db/db_errors.h"
#include "db/db_pool.h"
#include "db/db_url.h"
#include "db_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::DbTest;
using testing::Signal;
using testing::TempDir;
using testing::eventually;
using testing::pgTestUrl;

// `fn` throws DbError(Unavailable).
void expectUnavailable(const std::function<void()>& fn, const char* what) {
  try {
    fn();
    ADD_FAILURE() << what << ": expected DbError(Unavailable)";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::Unavailable) << what << ": " << e.what();
  }
}

TEST(DbErrorKinds, TimeoutsAndFullDisksAreUnavailableNotInternal) {
  EXPECT_EQ(kindForSqlState("55P03"), DbError::Kind::Unavailable);  // lock_timeout
  EXPECT_EQ(kindForSqlState("57014"), DbError::Kind::Unavailable);  // statement_timeout
  EXPECT_EQ(kindForSqlState("53100"), DbError::Kind::Unavailable);  // disk full
  EXPECT_EQ(kindForSqlState("53300"), DbError::Kind::Unavailable);  // too many connections
  EXPECT_EQ(kindForSqlState("42P01"), DbError::Kind::Other);
  EXPECT_TRUE(isStorageSqlState("53100"));
  EXPECT_FALSE(isStorageSqlState("55P03"));  // a held lock is not a failing disk
  EXPECT_EQ(kindForSqliteCode(13), DbError::Kind::Unavailable);  // SQLITE_FULL
  EXPECT_TRUE(isStorageSqliteCode(13));
  EXPECT_TRUE(isStorageSqliteCode(10 | (4 << 8)));  // SQLITE_IOERR_WRITE
}

#ifdef AGAPE_WITH_PG

class PgOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pgTestUrl()) GTEST_SKIP() << "PostgreSQL outage tests run with the other PostgreSQL tests (AGAPE_TEST_PG_URL)";
    pg_ = std::make_unique<test::OwnPostgres>();
  }
  PgSettings settings() const {
    const DbUrl url = parseDbUrl(pg_->url());
    return PgSettings{url.conninfo, url.redacted, url.password, true, 2s, 5s, 30s};
  }
  DatabaseConfig config(int poolSize) const {
    DatabaseConfig cfg;
    cfg.url = pg_->url();
    cfg.poolSize = poolSize;
    cfg.connectTimeout = 2s;
    return cfg;
  }
  // How many times the test's query is prepared in this server session.
  static long long preparedCount(Connection& c) {
    return c.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT CAST($1%'", {})
        .at(0)
        .integer("n");
  }

  std::unique_ptr<test::OwnPostgres> pg_;
};

// The crash of the issue: a statement on a connection whose server stopped
// reconnects, fails, and the next health check dereferenced the handle of
// the session that failed. Now the connection is closed and says so.
TEST_F(PgOutage, AConnectionWhoseServerStoppedIsClosedAndEveryMethodIsSafe) {
  auto c = openPgConnection(settings());
  c->begin(false, 0ms);
  EXPECT_EQ(c->query("SELECT CAST(:x AS BIGINT) + 1 AS y", {{"x", 41}}).at(0).integer("y"), 42);
  c->commit();
  EXPECT_EQ(preparedCount(*c), 1);

  pg_->halt("fast");
  c->begin(false, 0ms);
  expectUnavailable([&] { c->query("SELECT CAST(:x AS BIGINT) + 1 AS y",
                                   {{"x", 1}}); }, "query after the server stopped");
  EXPECT_FALSE(c->healthy());
  EXPECT_NO_THROW(c->rollback());
  expectUnavailable([&] { c->reconnect(); }, "reconnect");
  // Closed: every method, twice over.
  for (int round = 0; round < 2; ++round) {
    EXPECT_FALSE(c->healthy());
    EXPECT_NO_THROW(c->rollback());
    expectUnavailable([&] { c->begin(false, 0ms); }, "begin");
    expectUnavailable([&] { c->begin(true, 5000ms); }, "begin with a statement timeout");
    expectUnavailable([&] { c->exec("UPDATE t SET v = 1", {}); }, "exec");
    expectUnavailable([&] { c->query("SELECT 1", {}); }, "query");
    expectUnavailable([&] { c->execScript("SELECT 1; SELECT 2"); }, "execScript");
    expectUnavailable([&] { c->commit(); }, "commit");
  }

  pg_->start();
  c->reconnect();
  EXPECT_TRUE(c->healthy());
  EXPECT_EQ(preparedCount(*c), 0) << "a new server session has none of the old statements";
  c->begin(false, 0ms);
  EXPECT_EQ(c->query("SELECT CAST(:x AS BIGINT) + 1 AS y",
                     {{"x", 1}}).at(0).integer("y"), 2) << "prepared again";
  c->commit();
  EXPECT_EQ(preparedCount(*c), 1);
}

TEST_F(PgOutage, AppliesTheTimeoutsAsSessionDefaults) {
  PgSettings s = settings();
  s.lockTimeout = 1500ms;
  s.statementTimeout = 0ms;
  auto c = openPgConnection(s);
  EXPECT_EQ(c->query("SHOW lock_timeout", {}).at(0).text("lock_timeout"), "1500ms");
  EXPECT_EQ(c->query("SHOW statement_timeout", {}).at(0).text("statement_timeout"), "0");
  c->begin(false, 250ms);
  EXPECT_EQ(c->query("SHOW statement_timeout", {}).at(0).text("statement_timeout"), "250ms");
  c->commit();
  EXPECT_EQ(c->query("SHOW statement_timeout", {}).at(0).text("statement_timeout"), "0") << "SET LOCAL ends with it";
}

TEST_F(PgOutage, ThePoolFailsFastWhileTheDatabaseIsDownAndRecoversByItself) {
  auto db = DbPool::open(config(4));
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT NOT NULL)"); });
  // Every connection used once, so each has a server session to lose.
  {
    std::vector<std::thread> threads;
    Signal go;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        db->transact([&](Tx& tx) {
          tx.exec("INSERT INTO t (v) VALUES (:v)", {{"v", i}});
          go.wait(2000ms);  // hold the connection so that all four are in use
        });
      });
    ASSERT_TRUE(eventually([&] { return db->stats().inUse == 4; }));
    go.notify();
    for (auto& t : threads) t.join();
  }
  EXPECT_TRUE(db->health().up);
  EXPECT_TRUE(db->health().ready());

  pg_->halt("fast");
  expectUnavailable([&] { db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (9)"); }); },
                    "the first transaction after the stop");
  ASSERT_TRUE(eventually([&] { return !db->health().up; }, 5000ms));
  EXPECT_FALSE(db->health().ready());
  EXPECT_EQ(db->health().outages, 1);

  // Known down: no connection attempt, no wait.
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    expectUnavailable([&] { db->read([](Tx& tx) { tx.query("SELECT v FROM t"); }); }, "a read while down");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 50ms);
  }
  EXPECT_FALSE(db->ping());

  // The background thread keeps trying (back-off 250 ms .. 1 s).
  ASSERT_TRUE(eventually([&] { return db->health().reconnectAttempts >= 2; }, 5000ms));
  pg_->start();
  const auto restarted = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return db->health().up; }, 5000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - restarted, 2000ms) << "the back-off is at most a second";

  // Every connection works again, each reopened on its own.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        db->transact([&](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (:v)", {{"v", 100 + i}}); });
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT count(*) AS n FROM t")->integer("n"); }), 12);
  EXPECT_GE(db->health().reconnects, 1);
  EXPECT_EQ(db->health().outages, 1);
  EXPECT_TRUE(db->health().ready());
}

#endif  // AGAPE_WITH_PG

class DbTimeoutTest : public DbTest {};

// A row locked by someone else for longer than lockTimeout fails the
// transaction as Unavailable (503), quickly, and does not make the pool
// think the database is unwell.
TEST_P(DbTimeoutTest, AHeldRowLockIsUnavailableAfterTheLockTimeout) {
  if (!isPg()) GTEST_SKIP() << "SQLite has no row locks (writers queue for busy_timeout)";
  auto setup = database().open(1);
  setup->transact([](Tx& tx) {
    tx.exec("CREATE TABLE levels (id INTEGER PRIMARY KEY, reserved BIGINT NOT NULL)");
    tx.exec("INSERT INTO levels (id, reserved) VALUES (1, 0)");
  });
  auto cfg = database().config(2);
  cfg.lockTimeout = 300ms;
  auto db = DbPool::open(cfg);
  Signal locked, release;
  std::thread holder([&] {
    setup->transact([&](Tx& tx) {
      tx.query("SELECT reserved FROM levels WHERE id = 1 FOR UPDATE");
      locked.notify();
      release.wait(10000ms);
    });
  });
  ASSERT_TRUE(locked.wait());
  const auto t0 = std::chrono::steady_clock::now();
  expectUnavailable([&] { db->transact([](Tx& tx) { tx.exec("UPDATE levels SET reserved = reserved + 1 WHERE id = 1"); }); },
                    "an update of the locked row");
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 1300ms);
  EXPECT_TRUE(db->health().ready()) << "a held lock is not an unwell database";
  release.notify();
  holder.join();
  db->transact([](Tx& tx) { tx.exec("UPDATE levels SET reserved = reserved + 1 WHERE id = 1"); });
}

TEST_P(DbTimeoutTest, ATransactionMayRaiseOrLowerItsStatementTimeout) {
  if (!isPg()) GTEST_SKIP() << "SQLite has no statement timeout";
  auto cfg = database().config(1);
  cfg.statementTimeout = 200ms;
  auto db = DbPool::open(cfg);
  expectUnavailable([&] { db->read([](Tx& tx) { tx.query("SELECT pg_sleep(0.5)"); }); }, "past the default");
  // An export that needs longer says so for its own transaction only.
  EXPECT_NO_THROW(db->transact([](Tx& tx) { tx.query("SELECT pg_sleep(0.5)"); },
                               TxOptions{.readOnly = true, .statementTimeout = 3000ms}));
  expectUnavailable([&] { db->read([](Tx& tx) { tx.query("SELECT pg_sleep(0.5)"); }); }, "the default again");
}

INSTANTIATE_TEST_SUITE_P(Backends, DbTimeoutTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

// Deleting the data directory under a running server: the open file stays
// writable, but nothing written to it would survive. Writes are refused.
TEST(SqliteOutage, ARemovedDatabaseFileRefusesWritesInsteadOfLosingThem) {
  TempDir dir;
  DatabaseConfig cfg;
  cfg.url = "sqlite://" + (dir.path() / "data" / "agape.db").string();
  cfg.poolSize = 2;
  auto db = DbPool::open(cfg);
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  EXPECT_TRUE(db->health().fileIntact);

  std::filesystem::remove_all(dir.path() / "data");
  expectUnavailable([&] { db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (1)"); }); }, "a write");
  EXPECT_FALSE(db->health().fileIntact);
  EXPECT_FALSE(db->health().ready());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data" / "agape.db")) << "nothing re-created it";

  // A file put back at the path is another file: still refused.
  std::filesystem::create_directories(dir.path() / "data");
  DbPool::open(cfg)->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  expectUnavailable([&] { db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (1)"); }); }, "a write");
}

TEST(SqliteOutage, AMissingFileIsCreatedOnlyWhenAllowed) {
  TempDir dir;
  DatabaseConfig cfg;
  cfg.url = "sqlite://" + (dir.path() / "data" / "agape.db").string();
  cfg.poolSize = 1;
  try {
    DbPool::open(cfg, false);
    ADD_FAILURE() << "opened a database that does not exist";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("agape migrate up"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data" / "agape.db"));
  DbPool::open(cfg, true);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "agape.db"));
  EXPECT_NO_THROW(DbPool::open(cfg, false));
}

// A full disk (SQLITE_FULL, here from max_page_count) is 503, not 500, and
// the pool reports failing writes until one succeeds.
TEST(SqliteOutage, AFullDiskIsUnavailableAndReportedUntilAWriteSucceeds) {
  TempDir dir;
  DatabaseConfig cfg;
  cfg.url = "sqlite://" + (dir.path() / "agape.db").string();
  cfg.poolSize = 1;  // max_page_count is a setting of the connection
  auto db = DbPool::open(cfg);
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE blobs (b TEXT NOT NULL)"); });
  const long long pages = db->read([](Tx& tx) { return tx.one("PRAGMA page_count")->integer("page_count"); });
  db->transact([&](Tx& tx) { tx.query("PRAGMA max_page_count = " + std::to_string(pages + 2)); });
  const std::string big(20000, 'x');
  bool full = false;
  for (int i = 0; i < 20 && !full; ++i) {
    try {
      db->transact([&](Tx& tx) { tx.exec("INSERT INTO blobs (b) VALUES (:b)", {{"b", big}}); });
    } catch (const DbError& e) {
      EXPECT_EQ(e.kind(), DbError::Kind::Unavailable) << e.what();
      EXPECT_NE(dynamic_cast<const StorageFailure*>(&e), nullptr) << e.what();
      full = true;
    }
  }
  ASSERT_TRUE(full) << "the database never filled up";
  EXPECT_TRUE(db->health().writesFailing);
  EXPECT_FALSE(db->health().ready());
  // Reads still work and do not clear it; a successful write does.
  db->read([](Tx& tx) { tx.query("SELECT count(*) FROM blobs"); });
  EXPECT_TRUE(db->health().writesFailing);
  db->transact([&](Tx& tx) { tx.query("PRAGMA max_page_count = 1000000"); });
  EXPECT_FALSE(db->health().writesFailing);
  db->transact([&](Tx& tx) { tx.exec("INSERT INTO blobs (b) VALUES (:b)", {{"b", big}}); });
  EXPECT_TRUE(db->health().ready());
}

}  // namespace
}  // namespace agape::kernel
