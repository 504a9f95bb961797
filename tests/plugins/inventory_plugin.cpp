// Stands in for the inventory module in the catalogue tests: publishes
// inventory.level_changed as the real one will.
//   POST /v1/test/inventory  {"variantId": "...", "available": 3 | null, "version"?: 7, ...}  → 202
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/json.h>
#include <agape/plugin.h>

namespace {

class InventoryPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().post("/v1/test/inventory", [&ctx](agape::Request& req) {
      const agape::Json body = agape::parseJsonObject(req, {"variantId", "available", "version", "onHand", "reserved"});
      ctx.db().run([&](agape::Tx& tx) { ctx.events().publish("inventory.level_changed", body.dump(), tx); });
      return agape::Response::withStatus(202);
    });
  }
};

}  // namespace

AGAPE_PLUGIN(InventoryPlugin, "test.inventory", "1.0.0")
