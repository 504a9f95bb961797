#include "migrate/migrator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <regex>
#include <thread>

#include "db_test_support.h"

namespace agape::kernel {
namespace {

using testing::Backend;
using testing::DbTest;
using testing::TempDir;

class RecordingLogger final : public Logger {
 public:
  bool enabled(LogLevel) const override { return true; }
  void log(LogLevel, std::string_view message, std::initializer_list<LogField> fields) override {
    std::string line(message);
    for (const auto& f : fields) line.append(" ").append(f.key).append("=").append(f.value);
    std::lock_guard lock(mutex_);
    lines.push_back(line);
  }
  std::vector<std::string> lines;

 private:
  std::mutex mutex_;
};

class MigratorTest : public DbTest {
 protected:
  std::string dialectDir() const { return isPg() ? "postgresql" : "sqlite"; }
  // Writes <plugin>/<dialect>/<file> under the temp root; returns the plugin dir.
  std::string write(const std::string& plugin, const std::string& file, const std::string& sql) {
    root_.write(plugin + "/" + dialectDir() + "/" + file, sql);
    return dirOf(plugin);
  }
  std::string dirOf(const std::string& plugin) const { return (root_.path() / plugin).string(); }

  std::vector<Migrator::Source> sources(std::initializer_list<std::string> plugins) const {
    std::vector<Migrator::Source> out;
    for (const auto& p : plugins) out.push_back({p, dirOf(p)});
    return out;
  }

  long long count(DbPool& db, const std::string& sql) {
    return db.read([&](Tx& tx) { return tx.one(sql)->integer("n"); });
  }

  TempDir root_;
  RecordingLogger log_;
};

TEST_P(MigratorTest, AppliesInSourceThenVersionOrderAndOnlyOnce) {
  write("catalog", "0001_products.sql", "CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL)");
  write("catalog", "0002_seed.sql", "INSERT INTO products (id, sku) VALUES (1, 'A-1')");
  write("orders", "0001_orders.sql",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL REFERENCES products (id))");
  root_.write("orders/" + dialectDir() + "/README.md", "not a migration");
  auto db = database().open();
  Migrator migrator(*db, sources({"catalog", "orders"}));

  auto before = migrator.status();
  ASSERT_EQ(before.size(), 3u);
  for (const auto& e : before) EXPECT_FALSE(e.applied) << e.file;

  EXPECT_EQ(migrator.up(log_), 3);
  ASSERT_EQ(log_.lines.size(), 3u);
  EXPECT_EQ(log_.lines[0], "applied migration plugin=catalog file=" + dialectDir() + "/0001_products.sql");
  EXPECT_EQ(log_.lines[1], "applied migration plugin=catalog file=" + dialectDir() + "/0002_seed.sql");
  EXPECT_EQ(log_.lines[2], "applied migration plugin=orders file=" + dialectDir() + "/0001_orders.sql");
  EXPECT_EQ(count(*db, "SELECT count(*) AS n FROM products"), 1);

  EXPECT_EQ(migrator.up(log_), 0);
  EXPECT_EQ(Migrator(*db, sources({"catalog", "orders"})).up(log_), 0);

  auto after = migrator.status();
  ASSERT_EQ(after.size(), 3u);
  const std::regex isoUtc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  EXPECT_EQ(after[0].pluginId, "catalog");
  EXPECT_EQ(after[0].version, 1);
  EXPECT_EQ(after[0].name, "products");
  EXPECT_EQ(after[0].file, dialectDir() + "/0001_products.sql");
  EXPECT_EQ(after[2].pluginId, "orders");
  for (const auto& e : after) {
    EXPECT_TRUE(e.applied) << e.file;
    EXPECT_FALSE(e.modified) << e.file;
    EXPECT_TRUE(std::regex_match(e.appliedAt, isoUtc)) << e.appliedAt;
  }
}

TEST_P(MigratorTest, AppliesNewMigrationsAddedLater) {
  write("catalog", "0001_a.sql", "CREATE TABLE a (id INTEGER)");
  auto db = database().open();
  EXPECT_EQ(Migrator(*db, sources({"catalog"})).up(log_), 1);
  write("catalog", "0002_b.sql", "CREATE TABLE b (id INTEGER)");
  Migrator migrator(*db, sources({"catalog"}));
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_TRUE(status[0].applied);
  EXPECT_FALSE(status[1].applied);
  EXPECT_EQ(migrator.up(log_), 1);
}

TEST_P(MigratorTest, RefusesAMigrationModifiedAfterItWasApplied) {
  write("catalog", "0001_init.sql", "CREATE TABLE a (id INTEGER)");
  auto db = database().open();
  Migrator migrator(*db, sources({"catalog"}));
  ASSERT_EQ(migrator.up(log_), 1);
  write("catalog", "0001_init.sql", "CREATE TABLE a (id INTEGER, extra TEXT)");
  write("catalog", "0002_next.sql", "CREATE TABLE b (id INTEGER)");
  try {
    migrator.up(log_);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(std::string(e.what()), "migration " + dialectDir() +
                                         "/0001_init.sql of plugin \"catalog\" was modified after it was applied "
                                         "(checksum mismatch)");
  }
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_TRUE(status[0].modified);
  EXPECT_FALSE(status[1].applied);  // nothing further was applied
}

TEST_P(MigratorTest, RefusesAnAppliedMigrationWhoseFileIsGone) {
  write("catalog", "0001_init.sql", "CREATE TABLE a (id INTEGER)");
  write("catalog", "0002_more.sql", "CREATE TABLE b (id INTEGER)");
  auto db = database().open();
  ASSERT_EQ(Migrator(*db, sources({"catalog"})).up(log_), 2);
  std::filesystem::remove(root_.path() / "catalog" / dialectDir() / "0002_more.sql");
  Migrator migrator(*db, sources({"catalog"}));
  try {
    migrator.up(log_);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("migration version 2 (more) of plugin \"catalog\" was applied but its file "
                                         "is missing"),
              std::string::npos)
        << e.what();
  }
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[1].version, 2);
  EXPECT_TRUE(status[1].applied);
  EXPECT_EQ(status[1].file, "");
}

TEST_P(MigratorTest, RefusesAGapInVersions) {
  write("catalog", "0001_init.sql", "CREATE TABLE a (id INTEGER)");
  write("catalog", "0003_skip.sql", "CREATE TABLE c (id INTEGER)");
  auto db = database().open();
  Migrator migrator(*db, sources({"catalog"}));
  try {
    migrator.up(log_);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(std::string(e.what()), "plugin \"catalog\" has a gap in its migrations: " + dialectDir() +
                                         "/0001_init.sql is followed by " + dialectDir() +
                                         "/0003_skip.sql (version 2 is missing)");
  }
  EXPECT_THROW(migrator.status(), MigrationError);
  // Nothing ran, not even the valid first file.
  EXPECT_FALSE(db->read([](Tx& tx) {
    return tx.one(tx.dialect() == Dialect::Sqlite
                      ? "SELECT 1 FROM sqlite_master WHERE name = 'a'"
                      : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
                        "table_name = 'a'");
  }).has_value());
}

TEST_P(MigratorTest, RefusesDuplicateVersionsAndAMissingFirstVersion) {
  write("dup", "0001_a.sql", "SELECT 1");
  write("dup", "1_b.sql", "SELECT 1");
  write("late", "0002_start.sql", "SELECT 1");
  auto db = database().open();
  try {
    Migrator(*db, sources({"dup"})).up(log_);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(std::string(e.what()), "plugin \"dup\" has two migrations with version 1: " + dialectDir() +
                                         "/0001_a.sql and " + dialectDir() + "/1_b.sql");
  }
  try {
    Migrator(*db, sources({"late"})).up(log_);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("the first one is " + dialectDir() + "/0002_start.sql (version 1 is missing)"),
              std::string::npos)
        << e.what();
  }
}

TEST_P(MigratorTest, RefusesABadlyNamedSqlFile) {
  write("catalog", "init.sql", "SELECT 1");
  auto db = database().open();
  EXPECT_THROW(Migrator(*db, sources({"catalog"})).up(log_), MigrationError);
}

TEST_P(MigratorTest, RunsEveryStatementOfAMultiStatementFile) {
  std::string sql =
      "-- a comment; with a semicolon\n"
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n"
      "/* block; comment */\n"
      "INSERT INTO notes (id, body) VALUES (1, 'semi;colon'), (2, 'it''s; quoted');\n"
      "CREATE TABLE audit (note_id INTEGER, body TEXT);\n";
  if (isPg()) {
    sql +=
        "CREATE FUNCTION audit_note() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  INSERT INTO audit (note_id, body) VALUES (NEW.id, NEW.body);\n"
        "  RETURN NEW;\n"
        "END;\n"
        "$$;\n"
        "CREATE TRIGGER notes_audit AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION audit_note();\n";
  } else {
    sql +=
        "CREATE TRIGGER notes_audit AFTER INSERT ON notes BEGIN\n"
        "  INSERT INTO audit (note_id, body) VALUES (NEW.id, NEW.body);\n"
        "END;\n";
  }
  write("notes", "0001_init.sql", sql);
  auto db = database().open();
  ASSERT_EQ(Migrator(*db, sources({"notes"})).up(log_), 1);
  auto rows = db->read([](Tx& tx) { return tx.query("SELECT body FROM notes ORDER BY id"); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text("body"), "semi;colon");
  EXPECT_EQ(rows[1].text("body"), "it's; quoted");
  db->transact([](Tx& tx) { tx.exec("INSERT INTO notes (id, body) VALUES (3, 'x')"); });
  EXPECT_EQ(count(*db, "SELECT count(*) AS n FROM audit"), 1);
}

TEST_P(MigratorTest, RollsBackAFailingMigrationEntirely) {
  write("catalog", "0001_ok.sql", "CREATE TABLE ok (id INTEGER)");
  write("catalog", "0002_broken.sql", "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n");
  auto db = database().open();
  Migrator migrator(*db, sources({"catalog"}));
  try {
    migrator.up(log_);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("migration " + dialectDir() + "/0002_broken.sql of plugin \"catalog\" failed: ",
                                          0),
              0u)
        << e.what();
  }
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_TRUE(status[0].applied);
  EXPECT_FALSE(status[1].applied);
  EXPECT_THROW(db->read([](Tx& tx) { tx.query("SELECT * FROM half"); }), DbError);
}

TEST_P(MigratorTest, TreatsMissingDirectoriesAsNoMigrations) {
  root_.write("other-dialect/" + std::string(isPg() ? "sqlite" : "postgresql") + "/0001_x.sql", "SELECT 1");
  auto db = database().open();
  Migrator migrator(*db, {{"absent", (root_.path() / "absent").string()},
                          {"other-dialect", dirOf("other-dialect")},
                          {"empty", ""}});
  EXPECT_TRUE(migrator.status().empty());
  EXPECT_EQ(migrator.up(log_), 0);
}

TEST_P(MigratorTest, ConcurrentRunsApplyEachMigrationOnce) {
  // Not idempotent: applied twice, the INSERT doubles and CREATE TABLE fails.
  write("catalog", "0001_table.sql", "CREATE TABLE runs (id INTEGER)");
  // Enough files that one run is still going when the other reads what is applied.
  constexpr int kMigrations = 30;
  for (int v = 2; v <= kMigrations; ++v) {
    char file[32];
    std::snprintf(file, sizeof file, "%04d_row.sql", v);
    write("catalog", file, "INSERT INTO runs (id) VALUES (" + std::to_string(v) + ")");
  }
  auto first = database().open(2);
  auto second = database().open(2);
  std::atomic<int> applied{0};
  std::vector<std::string> errors(2);
  testing::Signal go;
  auto run = [&](DbPool& db, std::string& error) {
    try {
      Migrator migrator(db, sources({"catalog"}));
      go.wait();  // start together, so that both see every migration as pending
      applied += migrator.up(log_);
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread a(run, std::ref(*first), std::ref(errors[0]));
  std::thread b(run, std::ref(*second), std::ref(errors[1]));
  go.notify();
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(applied.load(), kMigrations);
  EXPECT_EQ(count(*first, "SELECT count(*) AS n FROM runs"), kMigrations - 1);
  EXPECT_EQ(count(*first, "SELECT count(*) AS n FROM agape_schema_migrations"), kMigrations);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigratorTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
