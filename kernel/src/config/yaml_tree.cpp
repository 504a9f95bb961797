#include "config/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace agape::kernel {

namespace {

// Node locations: marks in a named file, or one fixed text for every node.
class Locator {
 public:
  static Locator file(std::string displayName) { return Locator(std::move(displayName), {}); }
  static Locator fixed(std::string location) { return Locator({}, std::move(location)); }

  bool valid(const YAML::Mark& m) const { return !fixed_.empty() || m.line >= 0; }
  std::string at(const YAML::Mark& m) const {
    if (!fixed_.empty()) return fixed_;
    return displayName_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  std::string start() const { return fixed_.empty() ? displayName_ + ":1:1" : fixed_; }

 private:
  Locator(std::string displayName, std::string fixed)
      : displayName_(std::move(displayName)), fixed_(std::move(fixed)) {}
  std::string displayName_;
  std::string fixed_;
};

std::string childPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

[[noreturn]] void failAt(const std::string& path, const std::string& message, const std::string& location) {
  throw agape::ConfigError((path.empty() ? std::string("(root)") : path) + ": " + message +
                           (location.empty() ? "" : " (" + location + ")"));
}

// `location` has already been chosen by the parent (see convertMap).
std::shared_ptr<ConfigNode> convert(const YAML::Node& node, std::string location, const std::string& path,
                                    const Locator& loc);

std::shared_ptr<ConfigNode> convertMap(const YAML::Node& node, std::shared_ptr<ConfigNode> out,
                                       const std::string& path, const Locator& loc) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: it-> returns a proxy whose members die with the expression.
    YAML::Node key = it->first;
    YAML::Node value = it->second;
    std::string keyLocation = loc.valid(key.Mark()) ? loc.at(key.Mark()) : out->location;
    if (!key.IsScalar()) failAt(path, "keys must be plain strings", keyLocation);
    std::string name = key.Scalar();
    std::string p = childPath(path, name);
    if (auto first = out->find(name)) failAt(p, "duplicate key (first at " + first->location + ")", keyLocation);
    // A scalar is located at its value ("port: 80" -> the "80"); a null or a
    // collection at its key, because yaml-cpp marks a block map at its first
    // inner key and an empty value at whatever follows it.
    std::string valueLocation =
        value.IsScalar() && loc.valid(value.Mark()) ? loc.at(value.Mark()) : keyLocation;
    out->entries.emplace_back(name, convert(value, valueLocation, p, loc));
  }
  return out;
}

std::shared_ptr<ConfigNode> convert(const YAML::Node& node, std::string location, const std::string& path,
                                    const Locator& loc) {
  auto out = std::make_shared<ConfigNode>();
  out->location = std::move(location);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out->kind = ConfigNode::Kind::Null;
      return out;
    case YAML::NodeType::Scalar:
      out->kind = ConfigNode::Kind::Scalar;
      out->text = node.Scalar();
      return out;
    case YAML::NodeType::Sequence: {
      out->kind = ConfigNode::Kind::Sequence;
      std::size_t i = 0;
      for (const auto& item : node) {
        std::string itemLocation = loc.valid(item.Mark()) ? loc.at(item.Mark()) : out->location;
        out->items.push_back(convert(item, itemLocation, path + "[" + std::to_string(i) + "]", loc));
        ++i;
      }
      return out;
    }
    case YAML::NodeType::Map:
      out->kind = ConfigNode::Kind::Map;
      return convertMap(node, out, path, loc);
  }
  return out;
}

// A bound the text goes past, where it does.
struct BoundExceeded {
  std::string message;
  YAML::Mark mark;
};

// Counts yaml-cpp's parse events as if aliases were expanded (the tree
// convert() would build): nesting depth, alias uses and nodes. Throws
// BoundExceeded at the first event past a bound, so the parser's own
// recursion stops there too.
class BoundsCheck final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override { anchored_.clear(); }  // anchors are per document
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (++aliases_ > kMaxConfigAliases)
      throw BoundExceeded{"too many aliases: more than " + std::to_string(kMaxConfigAliases) + " uses of *name",
                          mark};
    auto it = anchored_.find(anchor);
    // yaml-cpp knows the anchor (it refuses unknown names), but its node is
    // still open: the alias would make the tree infinite.
    if (it == anchored_.end()) throw BoundExceeded{"an alias inside the node it names", mark};
    count(it->second.nodes, mark);
    reach(open_.size() + it->second.height, mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Size {
    std::size_t nodes;   // the node and everything under it, aliases expanded
    std::size_t height;  // levels of maps and lists it spans (0 for a scalar)
  };
  struct Open {
    YAML::anchor_t anchor;
    std::size_t nodesBefore;  // nodes_ before this one
    std::size_t deepest;      // the deepest level reached inside it
  };

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    count(1, mark);
    if (anchor != YAML::NullAnchor) anchored_[anchor] = Size{1, 0};
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    std::size_t before = nodes_;
    count(1, mark);
    reach(open_.size() + 1, mark);
    open_.push_back(Open{anchor, before, open_.size() + 1});
  }
  void close() {
    if (open_.empty()) return;
    Open done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor)
      anchored_[done.anchor] = Size{nodes_ - done.nodesBefore, done.deepest - open_.size()};
    if (!open_.empty()) open_.back().deepest = std::max(open_.back().deepest, done.deepest);
  }
  void count(std::size_t n, const YAML::Mark& mark) {
    nodes_ += n;
    if (nodes_ > kMaxConfigNodes)
      throw BoundExceeded{"too large: more than " + std::to_string(kMaxConfigNodes) +
                              " keys and values (an alias counts as everything it names)",
                          mark};
  }
  void reach(std::size_t depth, const YAML::Mark& mark) {
    if (depth > kMaxConfigDepth)
      throw BoundExceeded{"too deep: more than " + std::to_string(kMaxConfigDepth) +
                              " levels of nested maps and lists (aliases expanded)",
                          mark};
    if (!open_.empty()) open_.back().deepest = std::max(open_.back().deepest, depth);
  }

  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, Size> anchored_;
  std::size_t nodes_ = 0;
  std::size_t aliases_ = 0;
};

// Throws BoundExceeded (or a YAML::Exception on a syntax error) before
// yaml-cpp builds any node.
void checkBounds(std::string_view yaml) {
  if (yaml.size() > kMaxConfigBytes)
    throw BoundExceeded{"too large: more than " + std::to_string(kMaxConfigBytes) + " bytes (1 MiB)", YAML::Mark::null_mark()};
  std::istringstream in{std::string(yaml)};
  YAML::Parser parser(in);
  BoundsCheck check;
  while (parser.HandleNextDocument(check)) {
  }
}

[[noreturn]] void rethrowSyntaxError(const YAML::Exception& e, const Locator& loc) {
  std::string where = e.mark.is_null() ? "" : " (" + loc.at(e.mark) + ")";
  throw agape::ConfigError("syntax error: " + e.msg + where);
}

}  // namespace

std::shared_ptr<ConfigNode> parseYamlDocument(std::string_view yaml, const std::string& displayName) {
  Locator loc = Locator::file(displayName);
  std::vector<YAML::Node> docs;
  try {
    checkBounds(yaml);
    docs = YAML::LoadAll(std::string(yaml));
  } catch (const BoundExceeded& e) {
    throw agape::ConfigError(e.message + " (" + (e.mark.is_null() ? displayName : loc.at(e.mark)) + ")");
  } catch (const YAML::Exception& e) {
    rethrowSyntaxError(e, loc);
  }
  if (docs.size() > 1)
    failAt("", "only one YAML document is allowed", loc.valid(docs[1].Mark()) ? loc.at(docs[1].Mark()) : "");
  if (docs.empty() || !docs[0].IsMap()) failAt("", "must be a map of sections", loc.start());
  return convert(docs[0], loc.start(), "", loc);
}

std::shared_ptr<ConfigNode> parseYamlValue(std::string_view yaml, const std::string& location,
                                           const std::string& what) {
  Locator loc = Locator::fixed(location);
  YAML::Node node;
  try {
    checkBounds(yaml);
    node = YAML::Load(std::string(yaml));
  } catch (const BoundExceeded& e) {
    throw agape::ConfigError(what + ": " + e.message);
  } catch (const YAML::Exception& e) {
    // No mark: the value may be a secret given on the command line.
    throw agape::ConfigError(what + ": syntax error: " + e.msg);
  }
  return convert(node, location, "", loc);
}

}  // namespace agape::kernel
