#pragma once
// What the kernel knows of a loaded plugin, copied out of its descriptor so
// that it stays valid regardless of the library.

#include <string>
#include <vector>

namespace agape::kernel {

struct PluginInfo {
  std::string id;
  std::string version;
  std::string sdkVersion;
  std::string path;  // the library file
  std::vector<std::string> dependencies;          // required, as declared
  std::vector<std::string> optionalDependencies;  // declared "?name", without the '?'
  std::string migrationsDir;  // empty when the plugin ships no migrations
};

}  // namespace agape::kernel
