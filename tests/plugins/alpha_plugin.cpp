// A plugin without dependencies that registers one route.
#include <agape/http.h>

#include "lifecycle_recorder.h"

namespace {

class AlphaPlugin final : public agape_test::RecordingPlugin {
 public:
  AlphaPlugin() : RecordingPlugin("test.alpha") {}
  void provision(agape::Context& ctx) override {
    RecordingPlugin::provision(ctx);
    ctx.routes().get("/v1/test/alpha", [](agape::Request&) { return agape::Response::text("alpha"); });
  }
};

}  // namespace

AGAPE_PLUGIN(AlphaPlugin, "test.alpha", "1.0.0")
