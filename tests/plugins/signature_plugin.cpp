// The right ABI version, built by another toolchain and configuration.
#include <agape/plugin.h>

#include "lifecycle_recorder.h"

namespace {

class SignaturePlugin final : public agape_test::RecordingPlugin {
 public:
  SignaturePlugin() : RecordingPlugin("test.signature") {}
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const agape::PluginDescriptor* AGAPE_PLUGIN_ENTRY() {
  static const char* const deps[] = {nullptr};
  static const agape::PluginDescriptor descriptor{
      agape::kAbiVersion, AGAPE_SDK_VERSION, "gcc-1;c++199711L;libstdc++-cxx11abi0;debug", "test.signature",
      "1.0.0", deps, []() -> std::unique_ptr<agape::Plugin> { return std::make_unique<SignaturePlugin>(); }};
  return &descriptor;
}
