#pragma once
// The migration files of one plugin: <dir>/<dialect>/NNNN_name.sql,
// numbered 1, 2, 3 ... without gaps or duplicates.

#include <string>
#include <vector>

#include "agape/db.h"

namespace agape::kernel {

struct MigrationFile {
  std::string pluginId;
  int version = 0;
  std::string name;      // "init" for 0001_init.sql
  std::string file;      // "<dialect>/0001_init.sql", as messages name it
  std::string path;      // full path
  std::string sql;       // the file's bytes
  std::string checksum;  // SHA-256 hex of the bytes
};

// Sorted by version. A missing `dir` or dialect sub-directory means no
// migrations. Throws MigrationError for a badly named .sql file, a duplicate
// version or a gap; other files are ignored.
std::vector<MigrationFile> listMigrationFiles(const std::string& pluginId, const std::string& dir, Dialect dialect);

}  // namespace agape::kernel
