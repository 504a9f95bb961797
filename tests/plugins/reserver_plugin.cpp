// Drives the inventory's StockService over HTTP, as orders will, for the
// end-to-end tests (many concurrent reservations across server instances):
//   POST /v1/test/reservations {holder, items:[{variantId, quantity}], ttlSeconds?}
//        → 201 {holder, expiresAt, status} | 409 out_of_stock (the service's Problem)
//   POST /v1/test/reservations/commit  {holder} → 200 {changed}
//   POST /v1/test/reservations/release {holder} → 200 {changed}
#include <chrono>
#include <optional>

#include <agape/context.h>
#include <agape/db.h>
#include <agape/http.h>
#include <agape/inventory/stock_service.h>
#include <agape/json.h>
#include <agape/plugin.h>
#include <agape/services.h>

namespace {

using agape::inventory::StockItem;
using agape::inventory::StockService;

class ReserverPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().post("/v1/test/reservations", [this, &ctx](agape::Request& req) {
      const agape::Json body = agape::parseJsonObject(req, {"holder", "items", "ttlSeconds"});
      std::vector<StockItem> items;
      for (const auto& i : body.at("items"))
        items.push_back({i.at("variantId").get<std::string>(), i.at("quantity").get<long long>()});
      std::optional<std::chrono::seconds> ttl;
      if (body.contains("ttlSeconds")) ttl = std::chrono::seconds(body["ttlSeconds"].get<long long>());
      const std::string holder = body.at("holder").get<std::string>();
      const auto r = ctx.db().run([&](agape::Tx& tx) { return stock_->reserve(tx, holder, items, ttl); });
      return agape::jsonResponse(
          {{"holder", r.holder},
           {"expiresAtMs",
            std::chrono::duration_cast<std::chrono::milliseconds>(r.expiresAt.time_since_epoch()).count()},
           {"active", r.status == agape::inventory::ReservationStatus::Active}},
          201);
    });
    for (const bool commit : {true, false})
      ctx.routes().post(commit ? "/v1/test/reservations/commit" : "/v1/test/reservations/release",
                        [this, &ctx, commit](agape::Request& req) {
                          const agape::Json body = agape::parseJsonObject(req, {"holder"});
                          const std::string holder = body.at("holder").get<std::string>();
                          const bool changed = ctx.db().run([&](agape::Tx& tx) {
                            return commit ? stock_->commit(tx, holder) : stock_->release(tx, holder);
                          });
                          return agape::jsonResponse({{"changed", changed}});
                        });
  }
  void validate(agape::Context& ctx) override { stock_ = &ctx.services().get<StockService>(); }

 private:
  StockService* stock_ = nullptr;
};

}  // namespace

AGAPE_PLUGIN(ReserverPlugin, "test.reserver", "1.0.0", "inventory")
