// Requires test.alpha; comes after test.gamma only when that is enabled.
#include "lifecycle_recorder.h"

namespace {

class BetaPlugin final : public agape_test::RecordingPlugin {
 public:
  BetaPlugin() : RecordingPlugin("test.beta") {}
};

}  // namespace

AGAPE_PLUGIN(BetaPlugin, "test.beta", "2.1.0", "test.alpha", "?test.gamma")
