#include "config/config_document.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "config/config_overrides.h"
#include "config/path_resolution.h"
#include "config/tree_config_view.h"
#include "config/yaml_tree.h"

namespace agape::kernel {

ConfigDocument::ConfigDocument(std::shared_ptr<const ConfigNode> root, std::string displayName,
                               std::string baseDir, EnvLookup env)
    : root_(std::move(root)),
      displayName_(std::move(displayName)),
      baseDir_(absoluteDirectory(baseDir)),
      env_(std::make_shared<const EnvLookup>(std::move(env))) {}

ConfigDocument ConfigDocument::load(const std::string& file, const std::vector<std::string>& overrides,
                                    EnvLookup env) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw agape::ConfigError("cannot read configuration file " + file + ": it is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw agape::ConfigError("cannot read configuration file " + file + ": " + std::strerror(errno));
  // One byte past the bound is enough for parse() to refuse the file; a
  // huge file (or /dev/zero) is never read in full.
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw agape::ConfigError("cannot read configuration file " + file + ": " + std::strerror(errno));
  text.resize(static_cast<std::size_t>(in.gcount()));
  std::string dir = std::filesystem::path(file).parent_path().string();
  return parse(text, file, overrides, std::move(env), dir.empty() ? "." : dir);
}

ConfigDocument ConfigDocument::parse(std::string_view yaml, std::string displayName,
                                     const std::vector<std::string>& overrides, EnvLookup env,
                                     std::string baseDir) {
  std::shared_ptr<ConfigNode> root = parseYamlDocument(yaml, displayName);
  for (const auto& o : overrides) applyOverride(*root, o);
  return ConfigDocument(std::move(root), std::move(displayName), std::move(baseDir), std::move(env));
}

std::unique_ptr<agape::ConfigView> ConfigDocument::root() const {
  return std::make_unique<TreeConfigView>(root_, "", env_);
}

std::unique_ptr<agape::ConfigView> ConfigDocument::section(std::string_view key) const {
  return root()->child(key);
}

}  // namespace agape::kernel
