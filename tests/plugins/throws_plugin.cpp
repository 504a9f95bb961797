// Fails in start(), as a plugin whose upstream is unreachable would.
#include "lifecycle_recorder.h"

namespace {

class ThrowsPlugin final : public agape_test::RecordingPlugin {
 public:
  ThrowsPlugin() : RecordingPlugin("test.throws") {}
  void start(agape::Context& ctx) override {
    RecordingPlugin::start(ctx);
    throw std::runtime_error("boom: cannot reach the payment provider");
  }
};

}  // namespace

AGAPE_PLUGIN(ThrowsPlugin, "test.throws", "1.0.0")
