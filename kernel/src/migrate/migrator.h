#pragma once
// Applies the plugins' SQL migrations (<dir>/<dialect>/NNNN_name.sql) and
// records them in agape_schema_migrations, one transaction per file.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agape/logger.h"
#include "db/db_pool.h"
#include "migrate/migration_error.h"
#include "migrate/migration_files.h"

namespace agape::kernel {

class Migrator {
 public:
  // `dir` holds <dialect>/NNNN_name.sql; dialect dir names: "sqlite", "postgresql".
  struct Source {
    std::string pluginId;
    std::string dir;
    // Files compiled into the binary instead of read from `dir` (the kernel's own schema).
    std::vector<MigrationFile> (*builtin)(Dialect) = nullptr;
  };
  // The kernel's schema, to put first in the sources.
  static Source kernelSource();
  // Sources come in plugin dependency order.
  Migrator(DbPool& db, std::vector<Source> sources);

  struct Entry {
    std::string pluginId;
    int version = 0;
    std::string name;
    std::string file;  // "<dialect>/NNNN_name.sql"; empty for an applied migration whose file is gone
    bool applied = false;
    std::string appliedAt;  // "YYYY-MM-DDTHH:MM:SSZ" when applied
    bool modified = false;  // applied, and the file changed since
  };
  // Every migration of the sources, in the order `up` applies them. Throws
  // MigrationError for an invalid set of files (gap, duplicate, bad name).
  std::vector<Entry> status();

  // Applies pending migrations in source order, then version order; returns
  // how many this call applied. Throws MigrationError, having applied
  // nothing further, when an applied file was modified or removed, or when
  // a migration fails (that one is rolled back entirely).
  int up(Logger& log);

 private:
  struct Applied {
    std::string name;
    std::string checksum;
    std::string appliedAt;
  };
  using AppliedMap = std::map<std::pair<std::string, int>, Applied>;

  std::vector<MigrationFile> scan() const;
  bool tableExists();
  void ensureTable();
  AppliedMap readApplied();
  void verifyApplied(const std::vector<MigrationFile>& files, const AppliedMap& applied) const;
  bool apply(const MigrationFile& file);

  DbPool& db_;
  std::vector<Source> sources_;
};

}  // namespace agape::kernel
