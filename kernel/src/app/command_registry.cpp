#include "app/command_registry.h"

#include <regex>
#include <stdexcept>

namespace agape::kernel {

namespace {
const std::vector<std::string> kKernelCommands = {"serve", "migrate", "plugins", "config", "version", "jobs", "help"};
}

void CommandRegistry::add(const std::string& pluginId, std::string name, std::string help, CommandHandler handler) {
  static const std::regex re("^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)?$");
  if (!std::regex_match(name, re))
    throw std::invalid_argument("plugin \"" + pluginId + "\": command name \"" + name +
                                "\" must be one or two lowercase words");
  std::string first = name.substr(0, name.find(' '));
  for (const auto& k : kKernelCommands)
    if (first == k)
      throw std::invalid_argument("plugin \"" + pluginId + "\": command \"" + name + "\" uses the kernel's word \"" + k + "\"");
  if (!handler) throw std::invalid_argument("plugin \"" + pluginId + "\": command \"" + name + "\" has no handler");
  auto [it, inserted] = entries_.try_emplace(name, Entry{pluginId, std::move(help), std::move(handler)});
  if (!inserted)
    throw std::invalid_argument("command \"" + name + "\" is added by plugin \"" + it->second.pluginId +
                                "\" and by plugin \"" + pluginId + "\"");
}

const CommandRegistry::Entry* CommandRegistry::find(const std::vector<std::string>& words, std::size_t& used) const {
  if (words.size() >= 2) {
    auto it = entries_.find(words[0] + " " + words[1]);
    if (it != entries_.end()) {
      used = 2;
      return &it->second;
    }
  }
  if (!words.empty()) {
    auto it = entries_.find(words[0]);
    if (it != entries_.end()) {
      used = 1;
      return &it->second;
    }
  }
  return nullptr;
}

}  // namespace agape::kernel
