#pragma once
// The YAML configuration file as a tree of ConfigViews that remember their
// key path and file:line:col, with ${ENV} references expanded and --set
// overrides applied.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agape/config.h"
#include "config/kernel_config.h"

namespace YAML {
class Node;
}

namespace agape::kernel {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnv();

class ConfigDocument {
 public:
  // Loads a YAML file whose top level is a map. `overrides` are "a.b.c=value"
  // (from --set): the value is read as YAML (a scalar or a flow sequence like
  // [a, b]) and replaces or creates the key. Throws ConfigError.
  static ConfigDocument load(const std::string& file, const std::vector<std::string>& overrides = {},
                             const EnvLookup& env = processEnv());
  static ConfigDocument parse(std::string_view yaml, std::string displayName,
                              const std::vector<std::string>& overrides = {},
                              const EnvLookup& env = processEnv(), std::string baseDir = ".");

  ConfigDocument(ConfigDocument&&) noexcept;
  ConfigDocument& operator=(ConfigDocument&&) noexcept;
  ~ConfigDocument();

  std::unique_ptr<ConfigView> root() const;
  std::unique_ptr<ConfigView> section(std::string_view key) const;  // Missing when absent
  const std::string& baseDir() const { return state_->baseDir; }
  const std::string& displayName() const { return state_->displayName; }

  struct State {
    std::string displayName;
    std::string baseDir;
    std::set<std::string> overridden;  // key paths set by --set
    std::unique_ptr<YAML::Node> root;
    State();
    ~State();
  };

 private:
  ConfigDocument();
  std::shared_ptr<State> state_;
};

// Strict decode of the kernel's own sections (environment, dataDir, server,
// database, logging, plugins). Relative paths resolve against the config
// file's directory. Plugin sections are left to their plugins.
KernelConfig decodeKernelConfig(const ConfigDocument& doc);

// Every top-level key must be a kernel section or an enabled plugin's id.
void checkTopLevelKeys(const ConfigDocument& doc, const std::vector<std::string>& enabledPluginIds);

// Expands ${VAR} and ${VAR:-default} ($$ is a literal $). Returns nullopt and
// the variable's name in `missing` when one is unset without a default.
std::optional<std::string> expandEnv(std::string_view text, const EnvLookup& env, std::string& missing);

}  // namespace agape::kernel
