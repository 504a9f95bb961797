// Drives the inventory's StockService over HTTP, as orders will, for the
// end-to-end tests (many concurrent reservations across server instances):
//   POST /v1/test/reservations {holder, items:[{variantId, quantity}], ttlSeconds?}
//        → 201 {holder, expiresAt, status} | 409 out_of_stock | 409 reservation_conflict
//   POST /v1/test/reservations/commit  {holder} → 200 {changed}
//   POST /v1/test/reservations/release {holder} → 200 {changed}
// A holder is given as its key ("order:1"); one that is not "kind:id" is a 400.
#include <chrono>
#include <optional>

#include <agape/context.h>
#include <agape/contract.h>
#include <agape/db.h>
#include <agape/inventory/stock_service.h>
#include <agape/plugin.h>
#include <agape/problem.h>
#include <agape/services.h>

namespace {

using agape::inventory::Holder;
using agape::inventory::StockItem;
using agape::inventory::StockService;

// The body's holder key as the service's Holder; 400 when it is none.
Holder holderOf(const std::string& key) {
  if (auto h = Holder::parse(key)) return *h;
  throw agape::Problem::validation({{"holder", "must be kind:id"}});
}

struct Reserve {
  std::string holder;
  std::vector<StockItem> items;
  std::optional<long long> ttlSeconds;
};
struct Reserved {
  std::string holder;
  long long expiresAtMs = 0;
  bool active = false;
};
struct HolderBody {
  std::string holder;
};
struct Changed {
  bool changed = false;
};

const auto kReserve =
    agape::Schema<Reserve>()
        .field("holder", &Reserve::holder)
        .field("items", &Reserve::items,
               agape::Schema<StockItem>().field("variantId", &StockItem::variantId).field("quantity", &StockItem::quantity))
        .field("ttlSeconds", &Reserve::ttlSeconds, {.optional = true});
const auto kReserved = agape::Schema<Reserved>()
                           .field("holder", &Reserved::holder)
                           .field("expiresAtMs", &Reserved::expiresAtMs)
                           .field("active", &Reserved::active);
const auto kHolder = agape::Schema<HolderBody>().field("holder", &HolderBody::holder);
const auto kChanged = agape::Schema<Changed>().field("changed", &Changed::changed);

class ReserverPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().post("/v1/test/reservations", agape::Contract().body(kReserve).returns(kReserved),
                      {.successStatus = 201}, [this, &ctx](agape::Call<Reserve>& call) {
                        std::optional<std::chrono::seconds> ttl;
                        if (call.body.ttlSeconds) ttl = std::chrono::seconds(*call.body.ttlSeconds);
                        const Holder holder = holderOf(call.body.holder);
                        const auto r = [&] {
                          try {
                            return ctx.db().run([&](agape::Tx& tx) {
                              return stock_->reserve(tx, holder, call.body.items, ttl);
                            });
                          } catch (const agape::inventory::OutOfStock& e) {
                            throw agape::inventory::outOfStock(
                                e, [](std::size_t i) { return "items[" + std::to_string(i) + "].quantity"; });
                          } catch (const agape::inventory::ReservationConflict&) {
                            throw agape::Problem::conflict("reservation_conflict", "The holder has another reservation.");
                          }
                        }();
                        return Reserved{
                            r.holder.key(),
                            std::chrono::duration_cast<std::chrono::milliseconds>(r.expiresAt.time_since_epoch()).count(),
                            r.status == agape::inventory::ReservationStatus::Active};
                      });
    for (const bool commit : {true, false})
      ctx.routes().post(commit ? "/v1/test/reservations/commit" : "/v1/test/reservations/release",
                        agape::Contract().body(kHolder).returns(kChanged), {},
                        [this, &ctx, commit](agape::Call<HolderBody>& call) {
                          const Holder holder = holderOf(call.body.holder);
                          return Changed{ctx.db().run([&](agape::Tx& tx) {
                            return commit ? stock_->commit(tx, holder) : stock_->release(tx, holder);
                          })};
                        });
  }
  void validate(agape::Context& ctx) override { stock_ = &ctx.services().get<StockService>(); }

 private:
  StockService* stock_ = nullptr;
};

}  // namespace

AGAPE_PLUGIN(ReserverPlugin, "test.reserver", "1.0.0", "inventory")
