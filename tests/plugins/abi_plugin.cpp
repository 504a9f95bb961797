// A plugin from a future SDK: only the ABI version is meaningful. The other
// fields are null so that a loader reading past the ABI version crashes.
#include <agape/plugin.h>

extern "C" __attribute__((visibility("default"))) const agape::PluginDescriptor* AGAPE_PLUGIN_ENTRY() {
  static const agape::PluginDescriptor descriptor{agape::kAbiVersion + 998, nullptr, nullptr, nullptr,
                                                  nullptr, nullptr, nullptr};
  return &descriptor;
}
