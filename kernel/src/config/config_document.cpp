#include "config/config_document.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace agape::kernel {

namespace fs = std::filesystem;

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> expandEnv(std::string_view text, const EnvLookup& env, std::string& missing) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += '$';
      continue;
    }
    std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    std::string_view ref = text.substr(i + 2, close - i - 2);
    std::optional<std::string> fallback;
    if (auto d = ref.find(":-"); d != std::string_view::npos) {
      fallback = std::string(ref.substr(d + 2));
      ref = ref.substr(0, d);
    }
    auto value = env(std::string(ref));
    if (!value || (value->empty() && fallback)) {
      if (!fallback) {
        missing = std::string(ref);
        return std::nullopt;
      }
      value = fallback;
    }
    out += *value;
    i = close;
  }
  return out;
}

ConfigDocument::State::State() : root(std::make_unique<YAML::Node>()) {}
ConfigDocument::State::~State() = default;

ConfigDocument::ConfigDocument() : state_(std::make_shared<State>()) {}
ConfigDocument::ConfigDocument(ConfigDocument&&) noexcept = default;
ConfigDocument& ConfigDocument::operator=(ConfigDocument&&) noexcept = default;
ConfigDocument::~ConfigDocument() = default;

namespace {

using State = ConfigDocument::State;

std::string locationOf(const State& s, const std::string& path, const YAML::Node& node) {
  // A value set by --set (or anything inside it) reports the override: its
  // YAML marks point into the command-line text, not the file.
  for (const auto& o : s.overridden)
    if (path == o || path.rfind(o + "[", 0) == 0 || path.rfind(o + ".", 0) == 0) return "--set " + o;
  if (node.IsDefined() && !node.Mark().is_null()) {
    auto m = node.Mark();
    return s.displayName + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  // Maps created on the way to an override have no mark of their own.
  for (const auto& o : s.overridden)
    if (o.rfind(path + ".", 0) == 0) return "--set " + o;
  return s.displayName;
}

class YamlView final : public ConfigView {
 public:
  YamlView(std::shared_ptr<const State> state, YAML::Node node, std::string path, std::string parentLocation)
      : state_(std::move(state)), node_(std::move(node)), path_(std::move(path)), parentLocation_(std::move(parentLocation)) {}

  Kind kind() const override {
    if (!node_.IsDefined()) return Kind::Missing;
    switch (node_.Type()) {
      case YAML::NodeType::Null: return Kind::Null;
      case YAML::NodeType::Scalar: return Kind::Scalar;
      case YAML::NodeType::Sequence: return Kind::Sequence;
      case YAML::NodeType::Map: return Kind::Map;
      default: return Kind::Missing;
    }
  }
  std::string path() const override { return path_; }
  std::string location() const override {
    if (!node_.IsDefined()) return parentLocation_;
    return locationOf(*state_, path_, node_);
  }
  std::vector<std::string> keys() const override {
    std::vector<std::string> out;
    if (!node_.IsMap()) return out;
    for (const auto& kv : node_) out.push_back(kv.first.as<std::string>());
    return out;
  }
  std::unique_ptr<ConfigView> child(std::string_view key) const override {
    std::string childPath = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    if (node_.IsMap()) {
      for (const auto& kv : node_)
        if (kv.first.as<std::string>() == key)
          return std::make_unique<YamlView>(state_, kv.second, childPath, location());
    }
    return std::make_unique<YamlView>(state_, YAML::Node(YAML::NodeType::Undefined), childPath, location());
  }
  std::size_t size() const override { return node_.IsSequence() ? node_.size() : 0; }
  std::unique_ptr<ConfigView> at(std::size_t i) const override {
    std::string p = path_ + "[" + std::to_string(i) + "]";
    if (!node_.IsSequence() || i >= node_.size())
      return std::make_unique<YamlView>(state_, YAML::Node(YAML::NodeType::Undefined), p, location());
    return std::make_unique<YamlView>(state_, node_[i], p, location());
  }
  std::string scalar() const override { return node_.IsScalar() ? node_.Scalar() : std::string(); }

 private:
  std::shared_ptr<const State> state_;
  YAML::Node node_;
  std::string path_;
  std::string parentLocation_;
};

// Expands ${ENV} in every scalar, in place.
void expandAll(YAML::Node node, const std::string& path, const State& s, const EnvLookup& env) {
  if (node.IsScalar()) {
    std::string missing;
    auto expanded = expandEnv(node.Scalar(), env, missing);
    if (!expanded)
      throw ConfigError(path + ": environment variable " + missing + " is not set (" + locationOf(s, path, node) + ")");
    if (*expanded != node.Scalar()) node = *expanded;
  } else if (node.IsMap()) {
    for (auto kv : node) expandAll(kv.second, path.empty() ? kv.first.as<std::string>() : path + "." + kv.first.as<std::string>(), s, env);
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) expandAll(node[i], path + "[" + std::to_string(i) + "]", s, env);
  }
}

void applyOverride(State& s, const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw ConfigError("--set " + text + ": expected PATH=VALUE");
  std::string path = text.substr(0, eq);
  std::string raw = text.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(raw);
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + path + ": the value is not valid YAML: " + e.msg);
  }
  if (!value.IsDefined() || value.IsNull()) value = YAML::Node(raw);
  if (value.IsMap()) throw ConfigError("--set " + path + ": set one key at a time (PATH=VALUE)");
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) {
    if (part.empty()) throw ConfigError("--set " + path + ": empty key in the path");
    parts.push_back(part);
  }
  YAML::Node node = *s.root;
  std::string sofar;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    sofar += (sofar.empty() ? "" : ".") + parts[i];
    YAML::Node next = node[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      node[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = node[parts[i]];
    } else if (!next.IsMap()) {
      throw ConfigError("--set " + path + ": " + sofar + " is not a map");
    }
    node.reset(next);
  }
  node[parts.back()] = value;
  s.overridden.insert(path);
}

}  // namespace

ConfigDocument ConfigDocument::parse(std::string_view yaml, std::string displayName,
                                     const std::vector<std::string>& overrides, const EnvLookup& env,
                                     std::string baseDir) {
  ConfigDocument doc;
  State& s = *doc.state_;
  s.displayName = std::move(displayName);
  s.baseDir = std::move(baseDir);
  try {
    *s.root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw ConfigError(s.displayName + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": invalid YAML: " + e.msg);
  }
  if (!s.root->IsDefined() || s.root->IsNull()) *s.root = YAML::Node(YAML::NodeType::Map);
  if (!s.root->IsMap()) throw ConfigError(s.displayName + ": the top level must be a map of sections");
  expandAll(*s.root, "", s, env);
  for (const auto& o : overrides) applyOverride(s, o);
  return doc;
}

ConfigDocument ConfigDocument::load(const std::string& file, const std::vector<std::string>& overrides,
                                    const EnvLookup& env) {
  std::ifstream in(file);
  if (!in) throw ConfigError(file + ": cannot read the configuration file");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string base = fs::absolute(fs::path(file)).parent_path().lexically_normal().string();
  return parse(buf.str(), file, overrides, env, base);
}

std::unique_ptr<ConfigView> ConfigDocument::root() const {
  return std::make_unique<YamlView>(state_, *state_->root, "", state_->displayName);
}

std::unique_ptr<ConfigView> ConfigDocument::section(std::string_view key) const { return root()->child(key); }

}  // namespace agape::kernel
