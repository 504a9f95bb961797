// Stands in for the inventory module in the catalogue tests: publishes
// inventory.level_changed as the real one does.
//   POST /v1/test/inventory  {"variantId": "...", "available": 3, "version"?: 7, ...}  → 202
#include <optional>
#include <string>

#include <agape/context.h>
#include <agape/contract.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/inventory/events.h>
#include <agape/plugin.h>

namespace {

// What the test gives; the rest of the level is made up.
struct LevelChanged {
  std::string variantId;
  long long available = 0;
  std::optional<long long> version, onHand, reserved;
};

const auto kLevelChanged = agape::Schema<LevelChanged>()
                               .field("variantId", &LevelChanged::variantId)
                               .field("available", &LevelChanged::available)
                               .field("version", &LevelChanged::version, {.optional = true, .omitWhenNull = true})
                               .field("onHand", &LevelChanged::onHand, {.optional = true, .omitWhenNull = true})
                               .field("reserved", &LevelChanged::reserved, {.optional = true, .omitWhenNull = true});

class InventoryPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().post("/v1/test/inventory", agape::Contract().body(kLevelChanged), {.successStatus = 202},
                      [&ctx](agape::Call<LevelChanged>& call) {
                        const LevelChanged& in = call.body;
                        const agape::inventory::InventoryLevelChanged event{
                            .variantId = in.variantId,
                            .available = in.available,
                            .onHand = in.onHand.value_or(in.available),
                            .reserved = in.reserved.value_or(0),
                            .version = in.version.value_or(0)};
                        ctx.db().run([&](agape::Tx& tx) { ctx.events().publish(tx, event); });
                      });
  }
};

}  // namespace

AGAPE_PLUGIN(InventoryPlugin, "test.inventory", "1.0.0")
