#pragma once
// Converts YAML text into the ConfigNode tree, refusing what the strict
// configuration cannot represent: syntax errors, several documents,
// duplicate keys and non-string keys. Errors are agape::ConfigError with
// "<displayName>:<line>:<col>" (1-based).
//
// Hostile YAML is refused before any node is built: the text's size is
// checked first, then yaml-cpp's parse events (no node tree) are counted
// against the bounds below, so deep nesting cannot overflow the stack and
// aliases (billion laughs, an alias inside its own anchor) cannot make the
// tree grow past what the text spells out.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "config/config_node.h"

namespace agape::kernel {

inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;  // the text (1 MiB)
inline constexpr std::size_t kMaxConfigDepth = 64;           // nested maps and lists, aliases expanded
inline constexpr std::size_t kMaxConfigAliases = 1000;       // uses of *name
inline constexpr std::size_t kMaxConfigNodes = 100000;       // keys and values, each alias at its full size

// A whole configuration file; its top level must be a map.
std::shared_ptr<ConfigNode> parseYamlDocument(std::string_view yaml, const std::string& displayName);

// One value given outside a file (a --set value): every node of the result
// is located at `location`. `what` prefixes syntax errors ("--set a.b").
std::shared_ptr<ConfigNode> parseYamlValue(std::string_view yaml, const std::string& location,
                                           const std::string& what);

}  // namespace agape::kernel
