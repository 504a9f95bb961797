#pragma once
// --set overrides: "a.b.c=value" replaces or creates one key of the tree.

#include <string>

#include "config/config_node.h"

namespace agape::kernel {

// Applies one "path=value" override to `root` (a map). The value is read as
// a YAML scalar or a flow sequence ("[a, b]") and located at "--set <path>".
// Keys containing dots (plugin ids such as "acme.loyalty") are matched when
// they already exist in the tree or are listed in plugins.enabled; otherwise
// every dot starts a nested map. Throws agape::ConfigError; messages never
// repeat the value, which may be a secret.
void applyOverride(ConfigNode& root, const std::string& override);

}  // namespace agape::kernel
