#include "migrate/migration_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "migrate/migration_error.h"
#include "migrate/sha256.h"

namespace agape::kernel {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MigrationError("cannot read migration " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string quoted(const std::string& pluginId) { return "\"" + pluginId + "\""; }

}  // namespace

std::vector<MigrationFile> listMigrationFiles(const std::string& pluginId, const std::string& dir, Dialect dialect) {
  std::vector<MigrationFile> files;
  const std::string dialectDir = dialectName(dialect);
  const fs::path root = fs::path(dir) / dialectDir;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(root, ec)) return files;

  static const std::regex kName(R"(^([0-9]+)_([A-Za-z0-9_.-]+)\.sql$)");
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string fileName = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::smatch m;
    if (!std::regex_match(fileName, m, kName) || m[1].length() > 9)
      throw MigrationError("migration " + dialectDir + "/" + fileName + " of plugin " + quoted(pluginId) +
                           " is badly named: expected NNNN_name.sql");
    MigrationFile f;
    f.pluginId = pluginId;
    f.version = std::stoi(m[1].str());
    f.name = m[2].str();
    f.file = dialectDir + "/" + fileName;
    f.path = entry.path().string();
    f.sql = readFile(entry.path());
    f.checksum = sha256Hex(f.sql);
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const MigrationFile& a, const MigrationFile& b) {
    return a.version != b.version ? a.version < b.version : a.file < b.file;
  });

  for (std::size_t i = 0; i < files.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    if (i > 0 && files[i].version == files[i - 1].version)
      throw MigrationError("plugin " + quoted(pluginId) + " has two migrations with version " +
                           std::to_string(files[i].version) + ": " + files[i - 1].file + " and " + files[i].file);
    if (files[i].version != expected)
      throw MigrationError(
          "plugin " + quoted(pluginId) + " has a gap in its migrations: " +
          (i == 0 ? "the first one is " + files[i].file : files[i - 1].file + " is followed by " + files[i].file) +
          " (version " + std::to_string(expected) + " is missing)");
  }
  return files;
}

}  // namespace agape::kernel
