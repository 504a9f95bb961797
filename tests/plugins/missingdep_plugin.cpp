// Requires a plugin that no test enables.
#include "lifecycle_recorder.h"

namespace {

class MissingDepPlugin final : public agape_test::RecordingPlugin {
 public:
  MissingDepPlugin() : RecordingPlugin("test.missingdep") {}
};

}  // namespace

AGAPE_PLUGIN(MissingDepPlugin, "test.missingdep", "1.0.0", "test.absent")
