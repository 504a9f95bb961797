#include "config/tree_config_view.h"

namespace agape::kernel {

TreeConfigView::TreeConfigView(std::shared_ptr<const ConfigNode> node, std::string path,
                               std::shared_ptr<const EnvLookup> env)
    : node_(std::move(node)), path_(std::move(path)), env_(std::move(env)) {}

agape::ConfigView::Kind TreeConfigView::kind() const { return node_ ? node_->kind : Kind::Missing; }

std::string TreeConfigView::location() const { return node_ ? node_->location : std::string(); }

std::vector<std::string> TreeConfigView::keys() const {
  std::vector<std::string> out;
  if (!node_) return out;
  for (const auto& entry : node_->entries) out.push_back(entry.first);
  return out;
}

std::unique_ptr<agape::ConfigView> TreeConfigView::child(std::string_view key) const {
  std::string p = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  return std::make_unique<TreeConfigView>(node_ ? node_->find(key) : nullptr, std::move(p), env_);
}

std::size_t TreeConfigView::size() const { return node_ ? node_->items.size() : 0; }

std::unique_ptr<agape::ConfigView> TreeConfigView::at(std::size_t index) const {
  std::shared_ptr<const ConfigNode> item;
  if (node_ && index < node_->items.size()) item = node_->items[index];
  return std::make_unique<TreeConfigView>(std::move(item), path_ + "[" + std::to_string(index) + "]", env_);
}

std::string TreeConfigView::scalar() const {
  if (!node_ || node_->kind != Kind::Scalar) return {};
  EnvExpansion e = expandEnv(node_->text, *env_);
  if (e.error) fail(*e.error);
  return std::move(e.value);
}

std::vector<std::string> TreeConfigView::environmentVariables() const {
  if (!node_ || node_->kind != Kind::Scalar) return {};
  EnvExpansion e = expandEnv(node_->text, *env_);
  if (e.error) fail(*e.error);
  return std::move(e.usedVariables);
}

std::string describeValue(const agape::ConfigView& view) {
  if (const auto* tree = dynamic_cast<const TreeConfigView*>(&view)) {
    auto vars = tree->environmentVariables();
    if (!vars.empty()) return valueFromNote(vars);
  }
  std::string quoted = "\"";
  quoted += view.scalar();
  quoted += '"';
  return quoted;
}

std::string valueOriginNote(const agape::ConfigView& view) {
  if (const auto* tree = dynamic_cast<const TreeConfigView*>(&view)) {
    auto vars = tree->environmentVariables();
    if (!vars.empty()) {
      std::string note = " ";
      note += valueFromNote(vars);
      return note;
    }
  }
  return "";
}

}  // namespace agape::kernel
