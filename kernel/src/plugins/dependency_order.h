#pragma once
// The order in which plugins are configured, provisioned and started.

#include <cstddef>
#include <vector>

#include "plugins/plugin_info.h"

namespace agape::kernel {

// `plugins` in the configuration's order. Returns their indices in start
// order: every plugin after its required dependencies and after its optional
// ones that are enabled. Deterministic: among the plugins whose dependencies
// are all placed, the earliest in the configuration goes next.
// Throws PluginError on a required dependency that is not enabled (the first
// in configuration and declaration order) and on a cycle, reported as
// "plugin dependency cycle: x -> y -> x" starting from the first plugin in
// configuration order that lies on a cycle.
std::vector<std::size_t> dependencyOrder(const std::vector<PluginInfo>& plugins);

}  // namespace agape::kernel
