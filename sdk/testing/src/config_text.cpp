#include "agape/testing/config_text.h"

#include <fstream>
#include <sstream>

#include "config/tree_config_view.h"
#include "config/yaml_tree.h"

namespace agape::testing {

ConfigText::ConfigText(std::string_view yaml, const std::string& fileName) {
  // An empty file reads as an empty map, as every section is then absent.
  const bool blank = yaml.find_first_not_of(" \t\r\n") == std::string_view::npos;
  auto tree = kernel::parseYamlDocument(blank ? std::string_view("{}") : yaml, fileName);
  root_ = std::make_shared<kernel::TreeConfigView>(std::move(tree), "",
                                                   std::make_shared<const kernel::EnvLookup>(kernel::processEnv()));
}

ConfigText ConfigText::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return ConfigText(text.str(), path);
}

std::unique_ptr<ConfigView> ConfigText::section(std::string_view key) const { return root_->child(key); }

}  // namespace agape::testing
