// Provides the Greeter service. Its implementation records its own
// destruction, which must happen before this library is unloaded.
#include <agape/services.h>

#include <memory>

#include "greeter_service.h"
#include "lifecycle_recorder.h"

namespace {

class EnglishGreeter final : public agape_test::Greeter {
 public:
  ~EnglishGreeter() override { agape_test::record("test.provider", "service released"); }
  std::string greet(std::string_view name) const override { return "Hello, " + std::string(name); }
};

class ProviderPlugin final : public agape_test::RecordingPlugin {
 public:
  ProviderPlugin() : RecordingPlugin("test.provider") {}
  void provision(agape::Context& ctx) override {
    RecordingPlugin::provision(ctx);
    ctx.services().provide<agape_test::Greeter>(std::make_shared<EnglishGreeter>());
  }
};

}  // namespace

AGAPE_PLUGIN(ProviderPlugin, "test.provider", "1.0.0")
