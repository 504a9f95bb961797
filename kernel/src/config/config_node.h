#pragma once
// The configuration as an immutable tree, converted once from yaml-cpp so
// that every node carries where it came from (file:line:col or "--set a.b"),
// duplicate keys can be refused and --set can replace nodes without the
// key-inserting surprises of YAML::Node::operator[].

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agape/config.h"

namespace agape::kernel {

struct ConfigNode {
  using Kind = agape::ConfigView::Kind;  // never Missing here

  Kind kind = Kind::Null;
  std::string text;      // raw scalar text, before ${ENV} expansion
  std::string location;  // "config/agape.yaml:12:16" or "--set server.port"
  std::vector<std::pair<std::string, std::shared_ptr<ConfigNode>>> entries;  // of a map, in order
  std::vector<std::shared_ptr<ConfigNode>> items;                             // of a sequence

  // The value under `key` of a map, or null.
  std::shared_ptr<ConfigNode> find(std::string_view key) const {
    for (const auto& [k, v] : entries)
      if (k == key) return v;
    return nullptr;
  }
};

}  // namespace agape::kernel
