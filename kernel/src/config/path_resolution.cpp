#include "config/path_resolution.h"

#include <filesystem>

namespace agape::kernel {

namespace {

std::string normalised(std::filesystem::path p) {
  p = p.lexically_normal();
  // "a/b/" -> "a/b", keeping "/" itself.
  if (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
  return p.string();
}

}  // namespace

std::string absoluteDirectory(const std::string& dir) {
  return normalised(std::filesystem::absolute(dir.empty() ? std::string(".") : dir));
}

std::string resolvePath(const std::string& baseDir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return normalised(p);
  return normalised(std::filesystem::path(absoluteDirectory(baseDir)) / p);
}

std::string resolveDatabaseUrl(const std::string& baseDir, const std::string& url) {
  static constexpr std::string_view kSqlite = "sqlite://";
  if (url.rfind(kSqlite, 0) != 0) return url;
  std::string rest = url.substr(kSqlite.size());
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q);
    rest.erase(q);
  }
  if (rest.empty() || rest == ":memory:" || rest.front() == '/') return url;
  return std::string(kSqlite) + resolvePath(baseDir, rest) + query;
}

}  // namespace agape::kernel
