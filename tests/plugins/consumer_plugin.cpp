// Uses the Greeter service of test.provider and keeps a reference to it
// until destroyed, as a real consumer caching a service would.
#include <agape/services.h>

#include <memory>

#include "greeter_service.h"
#include "lifecycle_recorder.h"

namespace {

class ConsumerPlugin final : public agape_test::RecordingPlugin {
 public:
  ConsumerPlugin() : RecordingPlugin("test.consumer") {}
  void validate(agape::Context& ctx) override {
    RecordingPlugin::validate(ctx);
    greeter_ = ctx.services().find<agape_test::Greeter>();
    if (!greeter_) throw std::runtime_error("the greeter service is missing");
  }
  void start(agape::Context& ctx) override {
    RecordingPlugin::start(ctx);
    agape_test::record(id(), "greeting " + greeter_->greet("consumer"));
  }

 private:
  std::shared_ptr<agape_test::Greeter> greeter_;
};

}  // namespace

AGAPE_PLUGIN(ConsumerPlugin, "test.consumer", "1.0.0", "test.provider")
