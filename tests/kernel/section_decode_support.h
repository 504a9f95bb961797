#pragma once
// Decoding one plugin's YAML section as the kernel does, for the plugins'
// config tests: the document is named /etc/agape/agape.yaml in messages.
//
//   auto c = decodeSection("cart:\n  maxLines: 3\n", "cart", decodeCartConfig);
//   EXPECT_NE(sectionError("cart:\n  maxLines: 0\n", "cart", decodeCartConfig).find("cart.maxLines"), npos);
#include <memory>
#include <string>

#include <agape/config.h>

#include "config/tree_config_view.h"
#include "config/yaml_tree.h"

namespace agape::test {

template <class Decoder>
auto decodeSection(const std::string& yaml, const char* section, Decoder decoder) {
  auto root = kernel::parseYamlDocument(yaml, "/etc/agape/agape.yaml");
  kernel::TreeConfigView top(root, "", std::make_shared<const kernel::EnvLookup>(kernel::processEnv()));
  return decoder(*top.child(section));
}

// The ConfigError's message, or "(accepted)".
template <class Decoder>
std::string sectionError(const std::string& yaml, const char* section, Decoder decoder) {
  try {
    decodeSection(yaml, section, decoder);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace agape::test
