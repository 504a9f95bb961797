#pragma once
// Finding, opening and checking one plugin library. A library is accepted
// only when its descriptor has the kernel's ABI version and build signature
// and carries the id the configuration enabled.

#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "agape/plugin.h"
#include "config/kernel_config.h"
#include "plugins/plugin_info.h"

namespace agape::kernel {

// The library file for `entry`: entry.file when set, else the first of
// libagape_<id, dots as underscores>.so and lib<id>.so found in `searchPaths`,
// tried directory by directory. Throws PluginError when none exists.
std::string locatePluginLibrary(const PluginEntry& entry, const std::vector<std::string>& searchPaths);

class PluginLibrary {
 public:
  // Opens `path` (symbols resolved now, kept local) and checks its
  // descriptor against `expectedId`. Throws PluginError.
  static PluginLibrary open(const std::string& expectedId, const std::string& path);

  const agape::PluginDescriptor& descriptor() const { return *descriptor_; }
  const std::string& path() const { return path_; }
  // The descriptor's data (without migrationsDir, which the host decides).
  PluginInfo info() const;
  // After this, nothing the library made may still be used.
  void unload() noexcept { library_.unload(); }

 private:
  PluginLibrary(boost::dll::shared_library library, const agape::PluginDescriptor* descriptor,
                std::string path)
      : library_(std::move(library)), descriptor_(descriptor), path_(std::move(path)) {}

  boost::dll::shared_library library_;
  const agape::PluginDescriptor* descriptor_;  // points into the library
  std::string path_;
};

}  // namespace agape::kernel
