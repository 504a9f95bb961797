#include "db/db_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "agape/problem.h"
#include "db/connection.h"
#include "db/pooled_tx.h"
#include "db/round_trips.h"
#include "db_test_support.h"

namespace agape::kernel {
namespace {

using testing::Backend;
using testing::DbTest;
using testing::Signal;
using testing::eventually;

class DbPoolTest : public DbTest {};

long long countRows(Database& db, const std::string& table) {
  return db.read([&](Tx& tx) { return tx.one("SELECT count(*) AS n FROM " + table)->integer("n"); });
}

TEST_P(DbPoolTest, ReportsDialectAndRedactedUrl) {
  auto db = database().open();
  EXPECT_EQ(db->dialect(), isPg() ? Dialect::Postgres : Dialect::Sqlite);
  EXPECT_EQ(db->redactedUrl().rfind(isPg() ? "postgresql://" : "sqlite://", 0), 0u) << db->redactedUrl();
  EXPECT_EQ(db->stats().size, 4);
  EXPECT_EQ(db->stats().inUse, 0);
}

TEST_P(DbPoolTest, BindsEveryValueTypeIncludingNull) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE v (id INTEGER PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, s TEXT, n TEXT, b INTEGER)");
    EXPECT_EQ(tx.exec("INSERT INTO v (id, i, d, s, n, b) VALUES (:id, :i, :d, :s, :n, :b)",
                      {{"id", 1}, {"i", 9000000000LL}, {"d", 2.5}, {"s", "it's :not_a_param"}, {"n", nullptr},
                       {"b", true}}),
              1);
    EXPECT_EQ(tx.exec("INSERT INTO v (id, i, d, s, n, b) VALUES (:id, :i, :d, :s, :n, :b)",
                      {{"id", 2}, {"i", std::optional<int>()}, {"d", 0.1}, {"s", std::string_view("x")},
                       {"n", std::optional<std::string>("set")}, {"b", false}}),
              1);
  });
  auto rows = db->read([](Tx& tx) { return tx.query("SELECT id, i, d, s, n, b FROM v ORDER BY id"); });
  ASSERT_EQ(rows.size(), 2u);
  const Row& r = rows[0];
  EXPECT_EQ(std::get<long long>(r["i"].storage()), 9000000000LL);
  EXPECT_EQ(std::get<double>(r["d"].storage()), 2.5);
  EXPECT_EQ(std::get<std::string>(r["s"].storage()), "it's :not_a_param");
  EXPECT_TRUE(r["n"].isNull());
  EXPECT_TRUE(r.boolean("b"));
  EXPECT_TRUE(rows[1]["i"].isNull());
  EXPECT_EQ(rows[1].real("d"), 0.1);
  EXPECT_EQ(rows[1].optText("n"), "set");
  EXPECT_FALSE(rows[1].boolean("b"));
}

TEST_P(DbPoolTest, NormalisesIntegersTo64BitWhateverTheColumnType) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE nums (a SMALLINT, b INTEGER, c BIGINT)");
    tx.exec("INSERT INTO nums (a, b, c) VALUES (:a, :b, :c)",
            {{"a", 7}, {"b", 2147483647}, {"c", 9223372036854775807LL}});
  });
  auto r = db->read([](Tx& tx) { return *tx.one("SELECT a, b, c FROM nums"); });
  EXPECT_EQ(std::get<long long>(r["a"].storage()), 7);
  EXPECT_EQ(std::get<long long>(r["b"].storage()), 2147483647);
  EXPECT_EQ(std::get<long long>(r["c"].storage()), 9223372036854775807LL);

  // Expressions have no declared type; they are still integers.
  auto e = db->read([](Tx& tx) { return *tx.one("SELECT count(*) AS n, 1 + 1 AS two, 0.5 AS half FROM nums"); });
  EXPECT_EQ(std::get<long long>(e["n"].storage()), 1);
  EXPECT_EQ(std::get<long long>(e["two"].storage()), 2);
  EXPECT_EQ(std::get<double>(e["half"].storage()), 0.5);
}

TEST_P(DbPoolTest, ReadsRowsByColumnName) {
  auto db = database().open();
  auto r = db->read([](Tx& tx) { return *tx.one("SELECT 1 AS one, 'two' AS two"); });
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(r.integer("one"), 1);
  EXPECT_EQ(r.text("two"), "two");
  EXPECT_EQ(r[1].asString(), "two");
  EXPECT_THROW(r["three"], std::out_of_range);
  EXPECT_FALSE(db->read([](Tx& tx) { return tx.one("SELECT 1 AS one WHERE 1 = 0"); }).has_value());
}

TEST_P(DbPoolTest, FormatsTimestampsAsUtcIso8601) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE ev (at TIMESTAMPTZ NOT NULL)");
    tx.exec("INSERT INTO ev (at) VALUES (:at)", {{"at", "2024-01-02T03:04:05Z"}});
  });
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT at FROM ev")->text("at"); }), "2024-01-02T03:04:05Z");
}

TEST_P(DbPoolTest, BindsByNameAndANameUsedTwiceOnce) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE pair (a BIGINT, b BIGINT, c BIGINT, note TEXT)");
    // Values in any order; text in quotes and comments is left alone.
    tx.exec("INSERT INTO pair (a, b, c, note) VALUES (:v, :v, :w, ':v') -- :x", {{"w", 3}, {"v", 1}});
  });
  auto r = db->read([](Tx& tx) {
    return *tx.one("SELECT a, b, c, note FROM pair WHERE a = :a AND (b = :a OR c = :a)", {{"a", 1}});
  });
  EXPECT_EQ(r.integer("a"), 1);
  EXPECT_EQ(r.integer("b"), 1);
  EXPECT_EQ(r.integer("c"), 3);
  EXPECT_EQ(r.text("note"), ":v");
}

// The names differ in order between the two texts: each text's own order
// is used, whichever connection runs which text first.
TEST_P(DbPoolTest, BindsTheSameValuesToTextsThatOrderTheNamesDifferently) {
  auto db = database().open(1);
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE kv (k TEXT, v BIGINT)");
    tx.exec("INSERT INTO kv (k, v) VALUES ('a', 1), ('b', 2)");
  });
  const Params values{{"k", "b"}, {"v", 2}};
  for (const char* sql : {"SELECT COUNT(*) AS n FROM kv WHERE k = :k AND v = :v",
                          "SELECT COUNT(*) AS n FROM kv WHERE v = :v AND k = :k"})
    for (int run = 0; run < 2; ++run)  // parsed, then from the connection's cache
      EXPECT_EQ(db->read([&](Tx& tx) { return tx.one(sql, values)->integer("n"); }), 1) << sql;
}

TEST_P(DbPoolTest, RefusesValuesThatDoNotMatchTheNamesBeforeRunning) {
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  try {
    db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (:v)", {{"v", 1}, {"w", 2}}); });
    FAIL() << "expected a std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("no placeholder for :w"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("INSERT INTO t"), std::string::npos) << e.what();
  }
  EXPECT_THROW(db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (:v)"); }), std::logic_error);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT COUNT(*) AS n FROM t")->integer("n"); }), 0);
  // The connection is still good.
  db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (:v)", {{"v", 1}}); });
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT COUNT(*) AS n FROM t")->integer("n"); }), 1);
}

TEST_P(DbPoolTest, ExecReturnsAffectedRows) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE t (v INTEGER)");
    EXPECT_EQ(tx.exec("INSERT INTO t (v) VALUES (1), (2), (3)"), 3);
    EXPECT_EQ(tx.exec("UPDATE t SET v = v + 10 WHERE v > :min", {{"min", 1}}), 2);
    EXPECT_EQ(tx.exec("UPDATE t SET v = 0 WHERE v > 100"), 0);
    EXPECT_EQ(tx.exec("DELETE FROM t"), 3);
  });
}

TEST_P(DbPoolTest, MapsConstraintViolationsToKindsWithoutParameterValues) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY, email TEXT UNIQUE)");
    tx.exec("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), "
            "qty INTEGER CHECK (qty > 0))");
    tx.exec("INSERT INTO parent (id, email) VALUES (1, :e)", {{"e", "secret-address@example.com"}});
  });
  auto kindOf = [&](const std::string& sql, const Params& params) {
    try {
      db->transact([&](Tx& tx) { tx.exec(sql, params); });
    } catch (const DbError& e) {
      EXPECT_EQ(std::string(e.what()).find("secret-address"), std::string::npos) << e.what();
      return e.kind();
    }
    ADD_FAILURE() << "no error for " << sql;
    return DbError::Kind::Other;
  };
  EXPECT_EQ(kindOf("INSERT INTO parent (id, email) VALUES (2, :e)", {{"e", "secret-address@example.com"}}),
            DbError::Kind::UniqueViolation);
  EXPECT_EQ(kindOf("INSERT INTO parent (id, email) VALUES (:id, NULL)", {{"id", 1}}),
            DbError::Kind::UniqueViolation);
  EXPECT_EQ(kindOf("INSERT INTO child (id, parent_id, qty) VALUES (1, :p, 1)", {{"p", 42}}),
            DbError::Kind::ForeignKeyViolation);
  EXPECT_EQ(kindOf("INSERT INTO child (id, parent_id, qty) VALUES (1, 1, :q)", {{"q", 0}}),
            DbError::Kind::CheckViolation);
  EXPECT_EQ(kindOf("SELECT * FROM no_such_table WHERE x = :x", {{"x", "secret-address"}}),
            DbError::Kind::Other);
}

TEST_P(DbPoolTest, RollsBackWhenTheCallbackThrows) {
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  EXPECT_THROW(db->transact([](Tx& tx) {
    tx.exec("INSERT INTO t (v) VALUES (1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(countRows(*db, "t"), 0);
  EXPECT_EQ(db->stats().inUse, 0);
}

TEST_P(DbPoolTest, PropagatesCustomExceptionsUnchanged) {
  struct NotAStdException {
    int marker;
  };
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  try {
    db->transact([](Tx& tx) {
      tx.exec("INSERT INTO t (v) VALUES (1)");
      throw Problem::conflict("sku_taken", "The SKU is taken.");
    });
    FAIL() << "expected a Problem";
  } catch (const Problem& p) {
    EXPECT_EQ(p.status(), 409);
    EXPECT_EQ(p.code(), "sku_taken");
  }
  try {
    db->transact([](Tx& tx) {
      tx.exec("INSERT INTO t (v) VALUES (2)");
      throw NotAStdException{42};
    });
    FAIL() << "expected NotAStdException";
  } catch (const NotAStdException& e) {
    EXPECT_EQ(e.marker, 42);
  }
  EXPECT_EQ(countRows(*db, "t"), 0);
}

TEST_P(DbPoolTest, RetriesTheWholeCallbackOnARetryableError) {
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  int calls = 0;
  db->transact([&](Tx& tx) {
    ++calls;
    tx.exec("INSERT INTO t (v) VALUES (:v)", {{"v", calls}});
    if (calls < 3) throw DbError(DbError::Kind::Retryable, "try again");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(db->stats().retries, 2);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT v FROM t")->integer("v"); }), 3);
  EXPECT_EQ(countRows(*db, "t"), 1);

  calls = 0;
  try {
    db->transact([&](Tx&) {
      ++calls;
      throw DbError(DbError::Kind::Retryable, "always");
    }, TxOptions{.maxAttempts = 2});
    FAIL() << "expected the last DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::Retryable);
  }
  EXPECT_EQ(calls, 2);
}

TEST_P(DbPoolTest, MapsTheDatabasesOwnRetryableFailures) {
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  if (isPg()) {
    int calls = 0;
    db->transact([&](Tx& tx) {
      ++calls;
      tx.exec("INSERT INTO t (v) VALUES (:v)", {{"v", calls}});
      if (calls == 1) tx.exec("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$");
    });
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT v FROM t")->integer("v"); }), 2);
    return;
  }
  // SQLite: another connection holds the write lock, so BEGIN IMMEDIATE
  // reports SQLITE_BUSY once busy_timeout has passed.
  auto cfg = database().config(1);
  cfg.busyTimeout = std::chrono::milliseconds(20);
  auto impatient = DbPool::open(cfg);
  auto holder = database().open(1);
  Signal locked, release;
  std::thread holding([&] {
    holder->transact([&](Tx& tx) {
      tx.exec("INSERT INTO t (v) VALUES (1)");
      locked.notify();
      release.wait();
    });
  });
  ASSERT_TRUE(locked.wait());
  try {
    impatient->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (2)"); }, TxOptions{.maxAttempts = 1});
    ADD_FAILURE() << "expected SQLITE_BUSY";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::Retryable) << e.what();
  }
  std::thread writer([&] {
    impatient->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (3)"); }, TxOptions{.maxAttempts = 1000});
  });
  EXPECT_TRUE(eventually([&] { return impatient->stats().retries >= 1; }));
  release.notify();
  writer.join();
  holding.join();
  EXPECT_EQ(countRows(*db, "t"), 2);
}

TEST_P(DbPoolTest, RetriesSerializationFailuresOfConcurrentTransactions) {
  if (!isPg()) GTEST_SKIP() << "SQLite serialises writers with BEGIN IMMEDIATE; there is no SERIALIZABLE conflict";
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  std::mutex mutex;
  std::condition_variable cv;
  int firstReads = 0;
  auto writeSkew = [&] {
    bool first = true;
    db->transact([&](Tx& tx) {
      tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
      const long long n = tx.one("SELECT count(*) AS n FROM t")->integer("n");
      if (first) {  // both first attempts read before either writes
        first = false;
        std::unique_lock lock(mutex);
        ++firstReads;
        cv.notify_all();
        if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return firstReads == 2; }))
          throw std::runtime_error("the other transaction never read");
      }
      tx.exec("INSERT INTO t (v) VALUES (:n)", {{"n", n}});
    });
  };
  std::thread a(writeSkew), b(writeSkew);
  a.join();
  b.join();
  EXPECT_GE(db->stats().retries, 1);
  auto values = db->read([](Tx& tx) { return tx.query("SELECT v FROM t ORDER BY v"); });
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].integer("v"), 0);
  EXPECT_EQ(values[1].integer("v"), 1);
}

TEST_P(DbPoolTest, RunsAfterCommitHooksOnlyAfterACommit) {
  auto db = database().open();
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE t (v INTEGER)"); });
  int fired = 0;
  long long seenByHook = -1;
  db->transact([&](Tx& tx) {
    tx.exec("INSERT INTO t (v) VALUES (1)");
    tx.afterCommit([&] {
      ++fired;
      seenByHook = countRows(*db, "t");  // committed, and a new transaction may start here
    });
    EXPECT_EQ(fired, 0);
  });
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(seenByHook, 1);

  EXPECT_THROW(db->transact([&](Tx& tx) {
    tx.afterCommit([&] { ++fired; });
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  EXPECT_EQ(fired, 1);

  int calls = 0;
  db->transact([&](Tx& tx) {
    tx.afterCommit([&] { ++fired; });
    if (++calls == 1) throw DbError(DbError::Kind::Retryable, "retry");
  });
  EXPECT_EQ(fired, 2);  // the hook of the failed attempt never runs

  bool laterHookRan = false;
  EXPECT_NO_THROW(db->transact([&](Tx& tx) {
    tx.afterCommit([] { throw std::runtime_error("hook failure is logged, not thrown"); });
    tx.afterCommit([&] { laterHookRan = true; });
  }));
  EXPECT_TRUE(laterHookRan);
}

TEST_P(DbPoolTest, TimesOutWhenThePoolIsExhausted) {
  auto cfg = database().config(1);
  cfg.acquireTimeout = std::chrono::milliseconds(100);
  auto db = DbPool::open(cfg);
  Signal holding, release;
  std::thread holder([&] {
    db->transact([&](Tx&) {
      holding.notify();
      release.wait();
    });
  });
  ASSERT_TRUE(holding.wait());
  EXPECT_EQ(db->stats().inUse, 1);
  const auto started = std::chrono::steady_clock::now();
  try {
    db->transact([](Tx&) { ADD_FAILURE() << "got a connection from an exhausted pool"; });
    ADD_FAILURE() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::Unavailable);
    EXPECT_NE(std::string(e.what()).find("pool exhausted"), std::string::npos) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
  release.notify();
  holder.join();
  EXPECT_EQ(db->stats().waits, 1);
  EXPECT_EQ(db->stats().inUse, 0);
  EXPECT_TRUE(db->ping());
}

TEST_P(DbPoolTest, RefusesANestedTransactionOnTheSameThread) {
  auto db = database().open(1);
  EXPECT_THROW(db->transact([&](Tx&) { db->transact([](Tx&) {}); }), std::logic_error);
  EXPECT_EQ(db->stats().inUse, 0);
}

TEST_P(DbPoolTest, ConcurrentWritersLoseNoIncrement) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 200;
  auto db = database().open(kThreads);
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
    tx.exec("INSERT INTO counter (id, n) VALUES (1, 0)");
  });
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        try {
          db->transact([](Tx& tx) { tx.exec("UPDATE counter SET n = n + 1 WHERE id = 1"); });
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT n FROM counter WHERE id = 1")->integer("n"); }),
            kThreads * kIncrements);
}

TEST_P(DbPoolTest, ReadOnlyTransactionsSeeCommittedData) {
  auto db = database().open();
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE t (v INTEGER)");
    tx.exec("INSERT INTO t (v) VALUES (5)");
  });
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT v FROM t")->integer("v"); }), 5);
  if (isPg()) {
    EXPECT_THROW(db->transact([](Tx& tx) { tx.exec("INSERT INTO t (v) VALUES (6)"); }, TxOptions{.readOnly = true}),
                 DbError);
  }
}

TEST_P(DbPoolTest, Pings) {
  auto db = database().open();
  EXPECT_TRUE(db->ping());
  EXPECT_EQ(db->stats().inUse, 0);
}

TEST_P(DbPoolTest, AppliesConnectionSettings) {
  auto db = database().open();
  if (isPg()) {
    EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SHOW client_min_messages")->text("client_min_messages"); }),
              "warning");
    EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SHOW transaction_isolation")->text("transaction_isolation"); }),
              "read committed");
    return;
  }
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("PRAGMA journal_mode")->text("journal_mode"); }), "wal");
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("PRAGMA foreign_keys")->integer("foreign_keys"); }), 1);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("PRAGMA busy_timeout")->integer("timeout"); }), 5000);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("PRAGMA synchronous")->integer("synchronous"); }), 1);
}

TEST_P(DbPoolTest, ReconnectsAConnectionTheServerDropped) {
  if (!isPg()) GTEST_SKIP() << "an SQLite connection cannot be dropped by a server";
  auto db = database().open(1);
  auto backendPid = [&] {
    return db->read([](Tx& tx) { return tx.one("SELECT pg_backend_pid() AS pid")->integer("pid"); });
  };
  // As if the server restarted: the pooled connection is cut while idle.
  auto kill = [&](long long pid) {
    DbPool& admin = database().admin();
    admin.transact([&](Tx& tx) { tx.query("SELECT pg_terminate_backend(CAST(:pid AS INTEGER))",
                                          {{"pid", pid}}); });
    return eventually([&] {
      return !admin.read([&](Tx& tx) {
        return tx.one("SELECT 1 FROM pg_stat_activity WHERE pid = CAST(:pid AS INTEGER)",
                      {{"pid", pid}}).has_value();
      });
    });
  };

  const long long first = backendPid();
  ASSERT_TRUE(kill(first));
  const long long second = backendPid();  // a transaction notices with its first statement and reconnects
  EXPECT_NE(second, first);

  ASSERT_TRUE(kill(second));
  EXPECT_TRUE(db->ping());  // so does a ping
  const long long third = backendPid();
  EXPECT_NE(third, second);

  // A transaction of later writes only: BEGIN and the writes are sent
  // again on a new connection, the COMMIT after them, once.
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE dropped (id INTEGER PRIMARY KEY)"); });
  ASSERT_TRUE(kill(third));
  db->transact([](Tx& tx) { tx.execLater("INSERT INTO dropped (id) VALUES (1)"); });
  EXPECT_EQ(countRows(*db, "dropped"), 1);
}

// The connection cut inside a transaction, before each kind of step that
// follows: a statement, later writes with a statement, later writes with
// the COMMIT, the COMMIT alone. Each is "unavailable" (a 503 to a client),
// never an error of another kind (a 500), and the pool goes on.
TEST_P(DbPoolTest, AConnectionCutInsideATransactionIsUnavailableAtEveryStep) {
  if (!isPg()) GTEST_SKIP() << "an SQLite connection cannot be dropped by a server";
  auto db = database().open(1);
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE cut (id INTEGER PRIMARY KEY)"); });
  auto kill = [&](long long pid) {
    DbPool& admin = database().admin();
    admin.transact([&](Tx& tx) { tx.query("SELECT pg_terminate_backend(CAST(:pid AS INTEGER))", {{"pid", pid}}); });
    return eventually([&] {
      return !admin.read([&](Tx& tx) {
        return tx.one("SELECT 1 FROM pg_stat_activity WHERE pid = CAST(:pid AS INTEGER)", {{"pid", pid}}).has_value();
      });
    });
  };
  const std::vector<std::pair<std::string, std::function<void(Tx&)>>> nextSteps = {
      {"a statement", [](Tx& tx) { tx.one("SELECT count(*) AS n FROM cut"); }},
      {"later writes and a statement",
       [](Tx& tx) {
         tx.execLater("INSERT INTO cut (id) VALUES (1)");
         tx.one("SELECT count(*) AS n FROM cut");
       }},
      {"later writes and the commit", [](Tx& tx) { tx.execLater("INSERT INTO cut (id) VALUES (2)"); }},
      {"the commit", [](Tx&) {}},
  };
  for (const auto& [what, step] : nextSteps) {
    SCOPED_TRACE(what);
    try {
      db->transact([&](Tx& tx) {
        const long long pid = tx.one("SELECT pg_backend_pid() AS pid")->integer("pid");
        ASSERT_TRUE(kill(pid));
        step(tx);
      });
      ADD_FAILURE() << "the transaction went through a cut connection";
    } catch (const DbError& e) {
      EXPECT_EQ(e.kind(), DbError::Kind::Unavailable) << e.what();
    }
    EXPECT_EQ(countRows(*db, "cut"), 0);  // and the pool reconnects
  }
}

TEST_P(DbPoolTest, KeepsQueriesPreparedPerConnectionWithinABound) {
  if (!isPg()) GTEST_SKIP() << "prepared statements are kept by PostgreSQL sessions";
  auto db = database().open(1);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT CAST(:x AS BIGINT) + 1 AS y",
                                                  {{"x", 41}})->integer("y"); }), 42);
  auto prepared = [&](const std::string& like) {
    return db->read([&](Tx& tx) {
      return tx.one("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE :s",
                    {{"s", like}})->integer("n");
    });
  };
  EXPECT_EQ(prepared("SELECT CAST($1 AS BIGINT) + 1%"), 1);  // once, however often it ran
  EXPECT_EQ(prepared("SHOW%"), 0);
  db->read([](Tx& tx) { tx.one("SHOW client_min_messages"); });  // not a query worth keeping
  EXPECT_EQ(prepared("SHOW%"), 0);

  // Statement texts made on the fly (IN lists) do not pile up.
  for (int i = 0; i < 300; ++i)
    EXPECT_EQ(db->read([&](Tx& tx) { return tx.one("SELECT " + std::to_string(i) + " AS v")->integer("v"); }), i);
  const long long kept = prepared("%");
  EXPECT_LE(kept, 256);
  EXPECT_GE(kept, 200);
}

TEST_P(DbPoolTest, RunsWithoutPreparedStatementsWhenConfiguredSo) {
  if (!isPg()) GTEST_SKIP() << "prepared statements are kept by PostgreSQL sessions";
  auto cfg = database().config(1);
  cfg.preparedStatements = false;
  auto db = DbPool::open(cfg);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT CAST(:x AS BIGINT) + 1 AS y",
                                                {{"x", 41}})->integer("y"); }), 42);
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT count(*) AS n FROM pg_prepared_statements")->integer("n"); }),
            0);
}

TEST_P(DbPoolTest, PreparesAQueryAgainWhenItsTableChangesShape) {
  if (!isPg()) GTEST_SKIP() << "prepared statements are kept by PostgreSQL sessions";
  auto db = database().open(1);
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE shapes (a INTEGER)");
    tx.exec("INSERT INTO shapes (a) VALUES (1)");
  });
  auto columns = [&] { return db->read([](Tx& tx) { return tx.one("SELECT * FROM shapes")->columns(); }); };
  EXPECT_EQ(columns(), (std::vector<std::string>{"a"}));
  // Another instance migrates: its connection, not this one, alters the table.
  auto other = database().open(1);
  other->transact([](Tx& tx) { tx.exec("ALTER TABLE shapes ADD COLUMN b INTEGER DEFAULT 2"); });
  // The stale statement aborts the first attempt; the transaction runs again.
  EXPECT_EQ(columns(), (std::vector<std::string>{"a", "b"}));
  EXPECT_GE(db->stats().retries, 1);
}

TEST_P(DbPoolTest, AFailedFirstStatementLeavesNothingCommitted) {
  // BEGIN travels with the first statement: a failure there must still
  // leave the transaction unusable and uncommitted.
  if (!isPg()) GTEST_SKIP() << "SQLite goes on after a failed statement";
  auto db = database().open(1);
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE once (id INTEGER PRIMARY KEY)"); });
  db->transact([](Tx& tx) { tx.exec("INSERT INTO once (id) VALUES (1)"); });
  EXPECT_THROW(db->transact([](Tx& tx) {
    try {
      tx.exec("INSERT INTO once (id) VALUES (1)");  // duplicate key
    } catch (const DbError&) {
    }
    tx.exec("INSERT INTO once (id) VALUES (2)");
  }),
               DbError);
  EXPECT_EQ(countRows(*db, "once"), 1);
  // An empty transaction commits nothing and leaves the connection healthy.
  db->transact([](Tx&) {});
  EXPECT_EQ(countRows(*db, "once"), 1);
}

TEST_P(DbPoolTest, ALaterWriteRunsBeforeTheNextStatementAndCommitsWithTheTransaction) {
  auto db = database().open(1);
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE later (id INTEGER PRIMARY KEY, v TEXT)"); });
  db->transact([](Tx& tx) {
    tx.execLater("INSERT INTO later (id, v) VALUES (:id, :v)", {{"id", 1}, {"v", "one"}});
    tx.execLater("INSERT INTO later (id, v) VALUES (:id, :v)", {{"id", 2}, {"v", std::string(300, 'x')}});
    // Read your own writes: they went before this statement, in order.
    EXPECT_EQ(tx.one("SELECT count(*) AS n FROM later")->integer("n"), 2);
    tx.execLater("UPDATE later SET v = :v WHERE id = :id", {{"v", "uno"}, {"id", 1}});
  });  // the last one goes with the COMMIT
  EXPECT_EQ(db->read([](Tx& tx) { return tx.one("SELECT v FROM later WHERE id = 1")->text("v"); }), "uno");
  // A transaction of later writes only.
  db->transact([](Tx& tx) { tx.execLater("DELETE FROM later WHERE id = :id", {{"id", 2}}); });
  EXPECT_EQ(countRows(*db, "later"), 1);
  // More than a pipeline holds: sent in several.
  db->transact([](Tx& tx) {
    for (int i = 10; i < 210; ++i) tx.execLater("INSERT INTO later (id, v) VALUES (:id, 'n')", {{"id", i}});
  });
  EXPECT_EQ(countRows(*db, "later"), 201);
}

TEST_P(DbPoolTest, AFailedLaterWriteFailsTheTransactionWhereItIsSentAndNothingIsCommitted) {
  auto db = database().open(1);
  db->transact([](Tx& tx) {
    tx.exec("CREATE TABLE later (id INTEGER PRIMARY KEY)");
    tx.exec("INSERT INTO later (id) VALUES (1)");
  });
  // A call that does not match its statement throws at once, at the caller.
  EXPECT_THROW(db->transact([](Tx& tx) { tx.execLater("INSERT INTO later (id) VALUES (:id)", {{"di", 1}}); }),
               std::logic_error);
  for (const bool atCommit : {false, true}) {
    try {
      db->transact([&](Tx& tx) {
        tx.exec("INSERT INTO later (id) VALUES (2)");
        tx.execLater("INSERT INTO later (id) VALUES (:id)", {{"id", 1}});  // taken
        tx.execLater("INSERT INTO later (id) VALUES (3)");
        if (!atCommit) tx.one("SELECT 1 AS one");
      });
      ADD_FAILURE() << "the duplicate was not refused";
    } catch (const DbError& e) {
      EXPECT_EQ(e.kind(), DbError::Kind::UniqueViolation) << e.what();
      EXPECT_NE(std::string(e.what()).find("INSERT INTO later (id) VALUES (:id)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(countRows(*db, "later"), 1) << "at commit: " << atCommit;
  }
  // Rolled back unsent when the callback throws.
  EXPECT_THROW(db->transact([](Tx& tx) {
    tx.exec("INSERT INTO later (id) VALUES (4)");
    tx.execLater("INSERT INTO later (id) VALUES (5)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(countRows(*db, "later"), 1);
  EXPECT_EQ(db->stats().inUse, 0);
}

TEST_P(DbPoolTest, LaterWritesTravelWithTheNextStatementOrTheCommitInOneRoundTrip) {
  if (!isPg()) GTEST_SKIP() << "SQLite has no round trips";
  auto db = database().open(1);
  db->transact([](Tx& tx) { tx.exec("CREATE TABLE later (id INTEGER PRIMARY KEY, v TEXT)"); });
  for (int run = 0; run < 2; ++run) {  // statements new to the connection, then prepared
    const std::uint64_t before = tDbRoundTrips;
    db->transact([&](Tx& tx) {
      // BEGIN and this: one.
      const long long next = tx.one("SELECT COALESCE(max(id), 0) + 1 AS n FROM later")->integer("n");
      // The same new statement twice in one pipeline is prepared once.
      tx.execLater("INSERT INTO later (id, v) VALUES (:id, 'a')", {{"id", next}});
      tx.execLater("INSERT INTO later (id, v) VALUES (:id, 'a')", {{"id", next + 1}});
      tx.execLater("UPDATE later SET v = :v WHERE id = :id", {{"v", "b"}, {"id", next}});
      // These three and this: one.
      EXPECT_EQ(tx.one("SELECT count(*) AS n FROM later WHERE v = 'b'")->integer("n"), run + 1);
      tx.execLater("DELETE FROM later WHERE id = :id", {{"id", next + 1}});
    });  // this one and COMMIT: one
    EXPECT_EQ(tDbRoundTrips - before, 3u) << "run " << run;
  }
  EXPECT_EQ(countRows(*db, "later"), 2);
  EXPECT_EQ(db->read([](Tx& tx) {
              return tx.one("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO later%'")
                  ->integer("n");
            }),
            1);
}

TEST_P(DbPoolTest, FailsToOpenAsUnavailableWithoutRevealingThePassword) {
  DatabaseConfig cfg;
  cfg.poolSize = 1;
  // Port 1 on loopback refuses connections; /proc refuses new directories.
  cfg.url = isPg() ? "postgresql://agape:hunter2-secret@127.0.0.1:1/agape?connect_timeout=2"
                   : "sqlite:///proc/agape-no-such-dir/test.db";
  try {
    DbPool::open(cfg);
    FAIL() << "opened " << cfg.url;
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::Unavailable);
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    if (isPg()) {
      EXPECT_NE(std::string(e.what()).find("agape:***@127.0.0.1:1"), std::string::npos) << e.what();
    }
  }
}

// A Tx kept beyond its callback must not reach a connection that now serves
// another transaction.
TEST(PooledTxTest, RefusesUseAfterItsTransactionEnded) {
  struct NoConnection final : Connection {
    Dialect dialect() const override { return Dialect::Sqlite; }
    void begin(bool, std::chrono::milliseconds) override {}
    void commit() override {}
    void rollback() override {}
    long long exec(std::string_view, const Params&) override { return 7; }
    std::vector<Row> query(std::string_view, const Params&) override { return {}; }
    void execScript(std::string_view) override {}
    bool healthy() const override { return true; }
    void reconnect() override {}
  } connection;
  PooledTx tx(connection);
  EXPECT_EQ(tx.exec("UPDATE t SET v = 1"), 7);
  int fired = 0;
  tx.afterCommit([&] { ++fired; });
  auto hooks = tx.close();
  ASSERT_EQ(hooks.size(), 1u);
  hooks[0]();
  EXPECT_EQ(fired, 1);
  EXPECT_THROW(tx.exec("UPDATE t SET v = 1"), std::logic_error);
  EXPECT_THROW(tx.query("SELECT 1"), std::logic_error);
  EXPECT_THROW(tx.afterCommit([] {}), std::logic_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, DbPoolTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
