#pragma once
// The kernel's own schema (jobs, cron, events, audit), compiled into the
// binary from migrations/kernel/<dialect>/NNNN_name.sql. It is applied like a
// plugin's migrations, under the id "kernel", before every plugin's.

#include <string>
#include <vector>

#include "agape/db.h"
#include "migrate/migration_files.h"

namespace agape::kernel {

inline constexpr const char* kKernelMigrationSource = "kernel";

struct EmbeddedMigration {
  const char* file;  // "<dialect>/NNNN_name.sql"
  const char* sql;
};

// Generated at build time.
const std::vector<EmbeddedMigration>& embeddedKernelMigrations();

// The kernel's migrations for `dialect`, sorted by version.
std::vector<MigrationFile> kernelMigrationFiles(Dialect dialect);

}  // namespace agape::kernel
