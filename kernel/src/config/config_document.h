#pragma once
// The loaded configuration file: one YAML map whose top-level keys are the
// kernel's sections and the sections of enabled plugins, with --set
// overrides applied and ${ENV} references expanded on read.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agape/config.h"
#include "config/config_node.h"
#include "config/env_expansion.h"

namespace agape::kernel {

class ConfigDocument {
 public:
  // Loads a YAML file whose top level is a map. `overrides` are
  // "a.b.c=value" strings from --set, applied in order. Throws
  // agape::ConfigError with file:line:col on syntax errors, on a bad
  // override, and on text past the bounds of config/yaml_tree.h (1 MiB,
  // 64 levels, 1,000 aliases, 100,000 nodes with aliases expanded).
  static ConfigDocument load(const std::string& file, const std::vector<std::string>& overrides = {},
                             EnvLookup env = processEnv());
  // The same for text in memory; `displayName` stands for the file in
  // locations and `baseDir` is where relative paths resolve.
  static ConfigDocument parse(std::string_view yaml, std::string displayName,
                              const std::vector<std::string>& overrides = {}, EnvLookup env = processEnv(),
                              std::string baseDir = ".");

  std::unique_ptr<agape::ConfigView> root() const;
  // The top-level section `key`; a Missing view when absent.
  std::unique_ptr<agape::ConfigView> section(std::string_view key) const;
  // Absolute, normalised directory of the file: relative paths in the
  // configuration resolve against it.
  const std::string& baseDir() const { return baseDir_; }
  const std::string& displayName() const { return displayName_; }

 private:
  ConfigDocument(std::shared_ptr<const ConfigNode> root, std::string displayName, std::string baseDir,
                 EnvLookup env);

  std::shared_ptr<const ConfigNode> root_;
  std::string displayName_;
  std::string baseDir_;
  std::shared_ptr<const EnvLookup> env_;
};

}  // namespace agape::kernel
