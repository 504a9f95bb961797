#pragma once
// Commands plugins add to the `agape` executable.

#include <map>
#include <string>
#include <vector>

#include "agape/commands.h"

namespace agape::kernel {

class CommandRegistry {
 public:
  struct Entry {
    std::string pluginId;
    std::string help;
    CommandHandler handler;
  };
  // Refuses malformed names, the kernel's own command words and duplicates.
  void add(const std::string& pluginId, std::string name, std::string help, CommandHandler handler);
  // Longest match of `words` (two words, then one): the entry and how many
  // words its name took; nullptr when none.
  const Entry* find(const std::vector<std::string>& words, std::size_t& used) const;
  const std::map<std::string, Entry>& all() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

// The Commands a plugin sees: stamps its id.
class PluginCommands final : public Commands {
 public:
  PluginCommands(CommandRegistry& registry, std::string pluginId)
      : registry_(registry), pluginId_(std::move(pluginId)) {}
  void add(std::string name, std::string help, CommandHandler handler) override {
    registry_.add(pluginId_, std::move(name), std::move(help), std::move(handler));
  }

 private:
  CommandRegistry& registry_;
  std::string pluginId_;
};

}  // namespace agape::kernel
