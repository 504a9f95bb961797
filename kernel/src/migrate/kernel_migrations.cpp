#include "migrate/kernel_migrations.h"

#include <algorithm>
#include <regex>

#include "migrate/migration_error.h"
#include "migrate/sha256.h"

namespace agape::kernel {

std::vector<MigrationFile> kernelMigrationFiles(Dialect dialect) {
  static const std::regex kName(R"(^([a-z]+)/([0-9]+)_([A-Za-z0-9_.-]+)\.sql$)");
  std::vector<MigrationFile> files;
  for (const EmbeddedMigration& e : embeddedKernelMigrations()) {
    std::string file = e.file;
    std::smatch m;
    if (!std::regex_match(file, m, kName)) throw MigrationError("kernel migration " + file + " is badly named");
    if (m[1].str() != dialectName(dialect)) continue;
    MigrationFile f;
    f.pluginId = kKernelMigrationSource;
    f.version = std::stoi(m[2].str());
    f.name = m[3].str();
    f.file = file;
    f.path = "migrations/kernel/" + file;
    f.sql = e.sql;
    f.checksum = sha256Hex(f.sql);
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < files.size(); ++i)
    if (files[i].version != static_cast<int>(i) + 1)
      throw MigrationError("kernel migrations have a gap before " + files[i].file);
  return files;
}

}  // namespace agape::kernel
