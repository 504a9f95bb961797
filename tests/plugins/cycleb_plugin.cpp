// Half of a dependency cycle with test.cyclea.
#include "lifecycle_recorder.h"

namespace {

class CycleBPlugin final : public agape_test::RecordingPlugin {
 public:
  CycleBPlugin() : RecordingPlugin("test.cycleb") {}
};

}  // namespace

AGAPE_PLUGIN(CycleBPlugin, "test.cycleb", "1.0.0", "test.cyclea")
