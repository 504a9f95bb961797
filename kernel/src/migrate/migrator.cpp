#include "migrate/migrator.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <set>
#include <stdexcept>

#include "db/pooled_tx.h"
#include "migrate/kernel_migrations.h"

namespace agape::kernel {
namespace {

constexpr const char* kTable = "agape_schema_migrations";

// One arbitrary, fixed advisory lock key ("agape_mg") serialising migration
// runs of every Agape instance sharing a PostgreSQL database.
constexpr const char* kPgLock = "SELECT pg_advisory_xact_lock(7018141406227959143)";

std::string createTableSql(Dialect d) {
  return std::string("CREATE TABLE IF NOT EXISTS ") + kTable +
         " (plugin TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at " +
         (d == Dialect::Postgres ? "TIMESTAMPTZ" : "TEXT") + " NOT NULL, PRIMARY KEY (plugin, version))";
}

void lockMigrations(Tx& tx) {
  if (tx.dialect() == Dialect::Postgres) tx.exec(kPgLock);
}

std::string utcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];  // room for any int the compiler cannot rule out
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string describe(const MigrationFile& f) { return "migration " + f.file + " of plugin \"" + f.pluginId + "\""; }

MigrationError modifiedError(const MigrationFile& f) {
  return MigrationError(describe(f) + " was modified after it was applied (checksum mismatch)");
}

}  // namespace

Migrator::Source Migrator::kernelSource() {
  return Source{kKernelMigrationSource, "(built into the server)", &kernelMigrationFiles};
}

Migrator::Migrator(DbPool& db, std::vector<Source> sources) : db_(db), sources_(std::move(sources)) {}

std::vector<MigrationFile> Migrator::scan() const {
  std::vector<MigrationFile> all;
  for (const Source& s : sources_) {
    auto files = s.builtin ? s.builtin(db_.dialect()) : listMigrationFiles(s.pluginId, s.dir, db_.dialect());
    all.insert(all.end(), std::make_move_iterator(files.begin()), std::make_move_iterator(files.end()));
  }
  return all;
}

bool Migrator::tableExists() {
  return db_.read([&](Tx& tx) {
    const char* sql = tx.dialect() == Dialect::Postgres
                          ? "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                            "AND table_name = :name"
                          : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name";
    return tx.one(sql, {{"name", kTable}}).has_value();
  });
}

void Migrator::ensureTable() {
  // Under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide
  // on PostgreSQL's catalog.
  db_.transact([&](Tx& tx) {
    lockMigrations(tx);
    tx.exec(createTableSql(tx.dialect()));
  });
}

Migrator::AppliedMap Migrator::readApplied() {
  AppliedMap applied;
  db_.read([&](Tx& tx) {
    for (const Row& r : tx.query(std::string("SELECT plugin, version, name, checksum, applied_at FROM ") + kTable))
      applied[{r.text("plugin"), static_cast<int>(r.integer("version"))}] =
          Applied{r.text("name"), r.text("checksum"), r.text("applied_at")};
  });
  return applied;
}

void Migrator::verifyApplied(const std::vector<MigrationFile>& files, const AppliedMap& applied) const {
  std::set<std::pair<std::string, int>> present;
  for (const MigrationFile& f : files) {
    present.insert({f.pluginId, f.version});
    auto it = applied.find({f.pluginId, f.version});
    if (it != applied.end() && it->second.checksum != f.checksum) throw modifiedError(f);
  }
  for (const Source& s : sources_) {
    for (auto it = applied.lower_bound({s.pluginId, 0}); it != applied.end() && it->first.first == s.pluginId; ++it) {
      if (present.count(it->first)) continue;
      throw MigrationError("migration version " + std::to_string(it->first.second) + " (" + it->second.name +
                           ") of plugin \"" + s.pluginId + "\" was applied but its file is missing from " + s.dir +
                           "/" + dialectName(db_.dialect()));
    }
  }
}

std::vector<Migrator::Entry> Migrator::status() {
  const auto files = scan();
  const AppliedMap applied = tableExists() ? readApplied() : AppliedMap{};
  std::vector<Entry> out;
  std::set<std::pair<std::string, int>> present;
  for (const MigrationFile& f : files) {
    present.insert({f.pluginId, f.version});
    Entry e{f.pluginId, f.version, f.name, f.file, false, "", false};
    if (auto it = applied.find({f.pluginId, f.version}); it != applied.end()) {
      e.applied = true;
      e.appliedAt = it->second.appliedAt;
      e.modified = it->second.checksum != f.checksum;
    }
    out.push_back(std::move(e));
  }
  for (const Source& s : sources_)
    for (auto it = applied.lower_bound({s.pluginId, 0}); it != applied.end() && it->first.first == s.pluginId; ++it)
      if (!present.count(it->first))
        out.push_back(Entry{s.pluginId, it->first.second, it->second.name, "", true, it->second.appliedAt, false});
  return out;
}

int Migrator::up(Logger& log) {
  const auto files = scan();
  ensureTable();
  const AppliedMap applied = readApplied();
  verifyApplied(files, applied);
  int count = 0;
  for (const MigrationFile& f : files) {
    if (applied.count({f.pluginId, f.version})) continue;
    if (apply(f)) {
      ++count;
      log.info("applied migration", {{"plugin", f.pluginId}, {"file", f.file}});
    }
  }
  return count;
}

// False when another instance applied it first.
bool Migrator::apply(const MigrationFile& f) {
  bool applied = false;
  try {
    db_.transact([&](Tx& tx) {
      applied = false;
      lockMigrations(tx);
      // Re-read under the lock: another instance may have applied it since we looked.
      auto row = tx.one(std::string("SELECT checksum FROM ") + kTable + " WHERE plugin = :plugin AND version = :version",
                        {{"plugin", f.pluginId}, {"version", f.version}});
      if (row) {
        if (row->text("checksum") != f.checksum) throw modifiedError(f);
        return;
      }
      auto* pooled = dynamic_cast<PooledTx*>(&tx);
      if (!pooled) throw std::logic_error("migrations need a kernel database transaction");
      pooled->execScript(f.sql);
      tx.exec(std::string("INSERT INTO ") + kTable +
                  " (plugin, version, name, checksum, applied_at) VALUES (:plugin, :version, :name, :checksum, :at)",
              {{"plugin", f.pluginId}, {"version", f.version}, {"name", f.name}, {"checksum", f.checksum},
               {"at", utcNow()}});
      applied = true;
    });
  } catch (const DbError& e) {
    throw MigrationError(describe(f) + " failed: " + e.what());
  }
  return applied;
}

}  // namespace agape::kernel
