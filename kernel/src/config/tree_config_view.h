#pragma once
// agape::ConfigView over the ConfigNode tree. Views share ownership of the
// tree, so a view stays valid after its ConfigDocument is gone. ${ENV} is
// expanded when a scalar is read, so an unset variable is an error only for
// a value somebody actually uses.

#include <memory>
#include <string>
#include <vector>

#include "agape/config.h"
#include "config/config_node.h"
#include "config/env_expansion.h"

namespace agape::kernel {

class TreeConfigView final : public agape::ConfigView {
 public:
  // `node` null means Missing.
  TreeConfigView(std::shared_ptr<const ConfigNode> node, std::string path,
                 std::shared_ptr<const EnvLookup> env);

  Kind kind() const override;
  std::string path() const override { return path_; }
  std::string location() const override;
  std::vector<std::string> keys() const override;
  std::unique_ptr<agape::ConfigView> child(std::string_view key) const override;
  std::size_t size() const override;
  std::unique_ptr<agape::ConfigView> at(std::size_t index) const override;
  std::string scalar() const override;

  // Environment variables whose values went into scalar() (empty for a
  // value written in the file or given with --set).
  std::vector<std::string> environmentVariables() const;

 private:
  std::shared_ptr<const ConfigNode> node_;
  std::string path_;
  std::shared_ptr<const EnvLookup> env_;
};

// How an error message may show the value of `view`: "\"text\"" for a value
// written in the configuration, "(value from ${VAR})" for one that came from
// the environment, which is a secret and never repeated.
std::string describeValue(const agape::ConfigView& view);

// " (value from ${VAR})" when the value came from the environment, else "";
// for messages that never show the value but should say where it came from.
std::string valueOriginNote(const agape::ConfigView& view);

}  // namespace agape::kernel
