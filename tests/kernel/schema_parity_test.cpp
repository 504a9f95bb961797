// The SQLite and PostgreSQL migrations of the kernel and of every plugin
// build the same schema: tables, columns (name, type family as the code
// reads it, nullability), primary keys, uniqueness, foreign keys (with their
// ON DELETE) and indexes (by name and key). Each schema is described as a
// set of lines, and a difference is printed as the lines only one side has.
//
// Not compared: CHECK constraints and defaults, the predicate of a partial
// index (only that it is partial: each database prints it its own way), and
// the width of an integer (every SQLite integer is 64-bit; PostgreSQL's
// INTEGER columns hold counts and small numbers). Deliberate differences
// are listed in kDeliberate, and primary keys count as NOT NULL on SQLite
// (see describeSqlite).
//
// The PostgreSQL part runs when AGAPE_TEST_PG_URL is set; without it the
// SQLite migrations are still applied and described.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "db_test_support.h"
#include "log/log.h"
#include "migrate/kernel_migrations.h"
#include "migrate/migrator.h"

namespace agape::kernel {
namespace {

using testing::Backend;
using testing::TestDatabase;
using Schema = std::set<std::string>;

// Differences on purpose, left out of the comparison, with the reason.
struct Deliberate {
  Backend backend;
  std::string tablePrefix;  // every table whose name starts with it
  const char* why;
};
const std::vector<Deliberate> kDeliberate = {
    {Backend::Sqlite, "catalog_search",
     "SQLite's catalogue search is an FTS5 virtual table (and its shadow tables), ranked with bm25"},
    {Backend::Postgres, "catalog_search_index",
     "PostgreSQL's catalogue search is a tsvector column under a GIN index, ranked with ts_rank"},
};

bool deliberate(Backend backend, const std::string& table) {
  return std::any_of(kDeliberate.begin(), kDeliberate.end(), [&](const Deliberate& d) {
    return d.backend == backend && table.rfind(d.tablePrefix, 0) == 0;
  });
}

// Every migration source of the tree: the kernel's, then each plugin's.
std::vector<Migrator::Source> allSources() {
  std::vector<Migrator::Source> sources{Migrator::kernelSource()};
  std::vector<std::string> plugins;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(AGAPE_SOURCE_DIR) / "migrations"))
    if (entry.is_directory() && entry.path().filename() != kKernelMigrationSource)
      plugins.push_back(entry.path().filename().string());
  std::sort(plugins.begin(), plugins.end());  // no plugin's tables refer to another's
  for (const auto& p : plugins)
    sources.push_back({p, (std::filesystem::path(AGAPE_SOURCE_DIR) / "migrations" / p).string()});
  return sources;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// How the code reads a column: SQLite's declared type by its affinity rules,
// PostgreSQL's type by what the kernel returns for it (dates and JSON as
// text).
std::string sqliteFamily(const std::string& declared) {
  const std::string t = lower(declared);
  if (t.find("int") != std::string::npos) return "integer";
  if (t.find("bool") != std::string::npos) return "boolean";
  if (t.find("char") != std::string::npos || t.find("clob") != std::string::npos ||
      t.find("text") != std::string::npos)
    return "text";
  if (t.empty() || t.find("blob") != std::string::npos) return "blob";
  if (t.find("real") != std::string::npos || t.find("floa") != std::string::npos ||
      t.find("doub") != std::string::npos)
    return "real";
  return "numeric (" + t + ")";
}

std::string postgresFamily(const std::string& type) {
  static const std::map<std::string, std::string> kFamilies = {{"smallint", "integer"},
                                                               {"integer", "integer"},
                                                               {"bigint", "integer"},
                                                               {"real", "real"},
                                                               {"double precision", "real"},
                                                               {"numeric", "real"},
                                                               {"text", "text"},
                                                               {"character varying", "text"},
                                                               {"character", "text"},
                                                               {"json", "text"},
                                                               {"jsonb", "text"},
                                                               {"uuid", "text"},
                                                               {"date", "text"},
                                                               {"timestamp without time zone", "text"},
                                                               {"timestamp with time zone", "text"},
                                                               {"boolean", "boolean"},
                                                               {"bytea", "blob"}};
  auto it = kFamilies.find(type);
  return it == kFamilies.end() ? "other (" + type + ")" : it->second;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// An index key as written: a column, or an expression in one spelling for
// both databases (lower case, without blanks or parentheses).
std::string keyPart(const std::string& text) {
  std::string out;
  for (char c : lower(text))
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != '"') out += c;
  return out;
}

// The key of `CREATE [UNIQUE] INDEX name ON table (a, LOWER(b)) WHERE ...`.
std::vector<std::string> keyOfCreateIndex(const std::string& sql) {
  const auto on = lower(sql).find(" on ");
  std::size_t open = sql.find('(', on);
  std::vector<std::string> out;
  std::string part;
  int depth = 0;
  for (std::size_t i = open + 1; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) break;
    if (c == ',' && depth == 0) {
      out.push_back(keyPart(part));
      part.clear();
    } else {
      part += c;
    }
  }
  out.push_back(keyPart(part));
  return out;
}

std::string fkAction(std::string action) {
  action = lower(action);
  return action == "no action" ? "" : " on delete " + action;
}

Schema describeSqlite(Tx& tx) {
  Schema out;
  std::set<std::string> virtualTables;
  for (const Row& r :
       tx.query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"))
    virtualTables.insert(r.text("name"));
  for (const Row& t :
       tx.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")) {
    const std::string table = t.text("name");
    if (deliberate(Backend::Sqlite, table)) continue;
    const bool shadow = std::any_of(virtualTables.begin(), virtualTables.end(),
                                    [&](const std::string& v) { return table.rfind(v + "_", 0) == 0; });
    EXPECT_FALSE(virtualTables.count(table) || shadow)
        << table << " is a virtual table (or part of one), which cannot be compared: list it in kDeliberate";
    out.insert("table " + table);
    std::map<int, std::string> primaryKey;
    for (const Row& c :
         tx.query("SELECT name, type, \"notnull\" AS nn, pk FROM pragma_table_info(:t)", {{"t", table}})) {
      const std::string column = c.text("name");
      // A primary key column is never NULL on PostgreSQL; on SQLite only an
      // INTEGER one is (a rowid), other keys allow NULL for old times'
      // sake unless declared NOT NULL. Every key value comes from the code,
      // never NULL, so keys count as NOT NULL here.
      const bool notNull = c.integer("nn") != 0 || c.integer("pk") > 0;
      out.insert("column " + table + "." + column + " " + sqliteFamily(c.text("type")) +
                 (notNull ? " not null" : " null"));
      if (c.integer("pk") > 0) primaryKey[static_cast<int>(c.integer("pk"))] = column;
    }
    std::vector<std::string> pk;
    for (const auto& [n, column] : primaryKey) pk.push_back(column);
    if (!pk.empty()) out.insert("primary key " + table + " (" + join(pk) + ")");
    for (const Row& i :
         tx.query("SELECT l.name, l.\"unique\" AS u, l.origin, l.partial, m.sql FROM pragma_index_list(:t) l "
                  "LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name",
                  {{"t", table}})) {
      const std::string origin = i.text("origin");
      if (origin == "pk") continue;
      std::vector<std::string> key;
      if (origin == "c") {
        key = keyOfCreateIndex(i.text("sql"));
      } else {
        for (const Row& k :
             tx.query("SELECT name FROM pragma_index_info(:i) ORDER BY seqno", {{"i", i.text("name")}}))
          key.push_back(keyPart(k.text("name")));
      }
      const bool unique = i.integer("u") != 0;
      if (unique && i.integer("partial") == 0) out.insert("unique " + table + " (" + join(key) + ")");
      if (origin == "c")
        out.insert("index " + table + "." + i.text("name") + " (" + join(key) + ")" +
                   (unique ? " unique" : "") + (i.integer("partial") != 0 ? " partial" : ""));
    }
    std::map<long long, std::vector<Row>> foreignKeys;
    for (const Row& f :
         tx.query("SELECT id, seq, \"table\" AS parent, \"from\" AS col, \"to\" AS ref, on_delete "
                  "FROM pragma_foreign_key_list(:t) ORDER BY id, seq",
                  {{"t", table}}))
      foreignKeys[f.integer("id")].push_back(f);
    for (const auto& [id, parts] : foreignKeys) {
      std::vector<std::string> from, to;
      const std::string parent = parts.front().text("parent");
      for (const Row& p : parts) {
        from.push_back(p.text("col"));
        if (!p.isNull("ref")) to.push_back(p.text("ref"));
      }
      if (to.empty())  // REFERENCES parent: its primary key
        for (const Row& c :
             tx.query("SELECT name FROM pragma_table_info(:t) WHERE pk > 0 ORDER BY pk", {{"t", parent}}))
          to.push_back(c.text("name"));
      out.insert("foreign key " + table + " (" + join(from) + ") references " + parent + " (" + join(to) +
                 ")" + fkAction(parts.front().text("on_delete")));
    }
  }
  return out;
}

Schema describePostgres(Tx& tx) {
  Schema out;
  for (const Row& t :
       tx.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name")) {
    const std::string table = t.text("table_name");
    if (deliberate(Backend::Postgres, table)) continue;
    out.insert("table " + table);
    for (const Row& c : tx.query("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() AND table_name = :t",
                                 {{"t", table}}))
      out.insert("column " + table + "." + c.text("column_name") + " " + postgresFamily(c.text("data_type")) +
                 (c.text("is_nullable") == "NO" ? " not null" : " null"));
    // Each index with its key in order; expressions as PostgreSQL prints them.
    for (const Row& i :
         tx.query("SELECT ic.relname AS name, x.indisprimary AS is_primary, x.indisunique AS is_unique, "
                  "x.indpred IS NOT NULL AS is_partial, x.indexrelid AS oid, x.indnkeyatts AS keys, "
                  "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN "
                  "('p', 'u')) "
                  "AS is_constraint "
                  "FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class tc ON tc.oid = "
                  "x.indrelid "
                  "WHERE tc.relname = :t AND tc.relnamespace = CAST(current_schema() AS regnamespace)",
                  {{"t", table}})) {
      std::vector<std::string> key;
      for (long long k = 1; k <= i.integer("keys"); ++k)
        key.push_back(
            keyPart(tx.one("SELECT pg_get_indexdef(CAST(:oid AS oid), CAST(:k AS INTEGER), true) AS part",
                           {{"oid", i.integer("oid")}, {"k", k}})
                        ->text("part")));
      if (i.boolean("is_primary")) {
        out.insert("primary key " + table + " (" + join(key) + ")");
        continue;
      }
      const bool unique = i.boolean("is_unique");
      if (unique && !i.boolean("is_partial")) out.insert("unique " + table + " (" + join(key) + ")");
      if (!i.boolean("is_constraint"))
        out.insert("index " + table + "." + i.text("name") + " (" + join(key) + ")" +
                   (unique ? " unique" : "") + (i.boolean("is_partial") ? " partial" : ""));
    }
    for (const Row& f :
         tx.query("SELECT k.oid, p.relname AS parent, k.confdeltype AS on_delete, "
                  "(SELECT string_agg(a.attname, ', ' ORDER BY n.i) FROM unnest(k.conkey) WITH ORDINALITY "
                  "n(att, i) "
                  " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = n.att) AS cols, "
                  "(SELECT string_agg(a.attname, ', ' ORDER BY n.i) FROM unnest(k.confkey) WITH ORDINALITY "
                  "n(att, i) "
                  " JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = n.att) AS refs "
                  "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = "
                  "k.confrelid "
                  "WHERE k.contype = 'f' AND c.relname = :t AND c.relnamespace = CAST(current_schema() AS "
                  "regnamespace)",
                  {{"t", table}})) {
      static const std::map<std::string, std::string> kActions = {
          {"a", "no action"}, {"r", "restrict"}, {"c", "cascade"}, {"n", "set null"}, {"d", "set default"}};
      out.insert("foreign key " + table + " (" + f.text("cols") + ") references " + f.text("parent") + " (" +
                 f.text("refs") + ")" + fkAction(kActions.at(f.text("on_delete"))));
    }
  }
  return out;
}

Schema migratedSchema(Backend backend) {
  TestDatabase database(backend);
  auto db = database.open(1);
  JsonLogger log("schema-parity");
  Migrator(*db, allSources()).up(log);
  return db->read(
      [&](Tx& tx) { return backend == Backend::Sqlite ? describeSqlite(tx) : describePostgres(tx); });
}

std::string onlyIn(const Schema& a, const Schema& b) {
  std::string out;
  for (const auto& line : a)
    if (!b.count(line)) out += "  " + line + "\n";
  return out.empty() ? "  (nothing)\n" : out;
}

TEST(SchemaParityTest, SqliteAndPostgresqlMigrationsBuildTheSameSchema) {
  setLogLevel(LogLevel::Warn);
  const Schema sqlite = migratedSchema(Backend::Sqlite);
  ASSERT_TRUE(sqlite.count("table agape_jobs")) << "the kernel's migrations were not applied";
  ASSERT_TRUE(sqlite.count("table orders_orders")) << "the plugins' migrations were not applied";
  if (!testing::pgTestUrl())
    GTEST_SKIP() << "PostgreSQL part skipped: set AGAPE_TEST_PG_URL to compare with PostgreSQL's schema";
  const Schema postgres = migratedSchema(Backend::Postgres);
  EXPECT_TRUE(sqlite == postgres) << "the migrations build different schemas\nonly on SQLite:\n"
                                  << onlyIn(sqlite, postgres) << "only on PostgreSQL:\n"
                                  << onlyIn(postgres, sqlite);
}

}  // namespace
}  // namespace agape::kernel
