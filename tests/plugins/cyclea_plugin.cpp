// Half of a dependency cycle with test.cycleb.
#include "lifecycle_recorder.h"

namespace {

class CycleAPlugin final : public agape_test::RecordingPlugin {
 public:
  CycleAPlugin() : RecordingPlugin("test.cyclea") {}
};

}  // namespace

AGAPE_PLUGIN(CycleAPlugin, "test.cyclea", "1.0.0", "test.cycleb")
