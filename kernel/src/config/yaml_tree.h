#pragma once
// Converts YAML text into the ConfigNode tree, refusing what the strict
// configuration cannot represent: syntax errors, several documents,
// duplicate keys and non-string keys. Errors are agape::ConfigError with
// "<displayName>:<line>:<col>" (1-based).

#include <memory>
#include <string>
#include <string_view>

#include "config/config_node.h"

namespace agape::kernel {

// A whole configuration file; its top level must be a map.
std::shared_ptr<ConfigNode> parseYamlDocument(std::string_view yaml, const std::string& displayName);

// One value given outside a file (a --set value): every node of the result
// is located at `location`. `what` prefixes syntax errors ("--set a.b").
std::shared_ptr<ConfigNode> parseYamlValue(std::string_view yaml, const std::string& location,
                                           const std::string& what);

}  // namespace agape::kernel
