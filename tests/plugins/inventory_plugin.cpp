// Stands in for the inventory module in the catalogue tests: publishes
// inventory.level_changed as the real one will.
//   POST /v1/test/inventory  {"variantId": "...", "available": 3 | null, "version"?: 7, ...}  → 202
#include <optional>
#include <string>

#include <agape/context.h>
#include <agape/contract.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/plugin.h>

namespace {

// The event's payload, as the inventory plugin writes it.
struct LevelChanged {
  std::string variantId;
  std::optional<long long> available;  // null: inventory knows nothing of it
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
                        const std::string payload = kLevelChanged.encode(call.body);
                        ctx.db().run([&](agape::Tx& tx) { ctx.events().publish("inventory.level_changed", payload, tx); });
                      });
  }
};

}  // namespace

AGAPE_PLUGIN(InventoryPlugin, "test.inventory", "1.0.0")
