// A plain plugin other test plugins may optionally depend on.
#include "lifecycle_recorder.h"

namespace {

class GammaPlugin final : public agape_test::RecordingPlugin {
 public:
  GammaPlugin() : RecordingPlugin("test.gamma") {}
};

}  // namespace

AGAPE_PLUGIN(GammaPlugin, "test.gamma", "0.3.0")
