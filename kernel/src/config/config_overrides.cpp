#include "config/config_overrides.h"

#include <set>
#include <vector>

#include "config/yaml_tree.h"

namespace agape::kernel {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& message) {
  throw agape::ConfigError(what + ": " + message);
}

std::string join(const std::vector<std::string>& segments, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += (i == from ? "" : ".") + segments[i];
  return out;
}

// Ids named in plugins.enabled, which may become top-level sections.
std::set<std::string> enabledIds(const ConfigNode& root) {
  std::set<std::string> ids;
  auto plugins = root.find("plugins");
  auto enabled = plugins ? plugins->find("enabled") : nullptr;
  if (!enabled) return ids;
  for (const auto& item : enabled->items) {
    if (item->kind == ConfigNode::Kind::Scalar) ids.insert(item->text);
    if (auto id = item->find("id"); id && id->kind == ConfigNode::Kind::Scalar) ids.insert(id->text);
  }
  return ids;
}

// How many of segments[from..] make up the key to use at `map`: the longest
// run that names an existing key (or candidate), else one segment.
std::size_t keyLength(const ConfigNode& map, const std::vector<std::string>& segments, std::size_t from,
                      const std::set<std::string>& candidates) {
  for (std::size_t to = segments.size(); to > from + 1; --to) {
    std::string key = join(segments, from, to);
    if (map.find(key) || candidates.count(key)) return to - from;
  }
  return 1;
}

std::shared_ptr<ConfigNode> parseValue(const std::string& text, const std::string& what) {
  auto value = parseYamlValue(text, what, what);
  bool ok = value->kind != ConfigNode::Kind::Map;
  for (const auto& item : value->items) ok = ok && item->kind == ConfigNode::Kind::Scalar;
  if (!ok) fail(what, "the value must be a scalar or a flat list such as [a, b]");
  return value;
}

}  // namespace

void applyOverride(ConfigNode& root, const std::string& override) {
  auto eq = override.find('=');
  if (eq == std::string::npos) fail("--set " + override, "expected path=value");
  std::string path = override.substr(0, eq);
  std::string what = "--set " + path;
  if (path.empty()) fail("--set", "expected path=value, the path is empty");

  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    auto dot = path.find('.', start);
    segments.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& s : segments) {
    if (s.empty()) fail(what, "invalid path (empty key)");
    if (s.find_first_of("[]") != std::string::npos)
      fail(what, "list items cannot be set one by one; set the whole list, e.g. key=[a, b]");
  }

  auto value = parseValue(override.substr(eq + 1), what);
  const std::set<std::string> rootCandidates = enabledIds(root);
  static const std::set<std::string> none;

  ConfigNode* map = &root;
  for (std::size_t i = 0; i < segments.size();) {
    std::size_t n = keyLength(*map, segments, i, map == &root ? rootCandidates : none);
    std::string key = join(segments, i, i + n);
    std::string keyPath = join(segments, 0, i + n);
    auto existing = map->find(key);
    if (i + n == segments.size()) {
      if (existing && existing->kind == ConfigNode::Kind::Map)
        fail(what, keyPath + " is a map; set its keys one by one");
      if (existing) {
        *existing = std::move(*value);
      } else {
        map->entries.emplace_back(key, value);
      }
      return;
    }
    if (!existing) {
      existing = std::make_shared<ConfigNode>();
      existing->kind = ConfigNode::Kind::Map;
      existing->location = what;
      map->entries.emplace_back(key, existing);
    } else if (existing->kind == ConfigNode::Kind::Null) {
      existing->kind = ConfigNode::Kind::Map;  // "hello:" left empty in the file
    } else if (existing->kind != ConfigNode::Kind::Map) {
      fail(what, keyPath + " is not a map");
    }
    map = existing.get();
    i += n;
  }
}

}  // namespace agape::kernel
