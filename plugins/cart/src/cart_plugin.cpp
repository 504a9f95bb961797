// The cart plugin: a guest's or a signed-in user's cart priced against the
// catalogue (and checked against the stock when the inventory plugin is
// enabled), totals with shipping, tax and coupons, the merge of a guest cart
// at sign-in, the CartService orders uses, and the daily purge of abandoned
// guest carts.
#include <memory>

#include <agape/context.h>
#include <agape/db.h>
#include <agape/jobs.h>
#include <agape/logger.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "cart_api.h"
#include "cart_book.h"
#include "cart_config.h"

namespace agape::cart {
namespace {

constexpr const char* kPurgeQueue = "cart.purge";
constexpr long long kPurgeBatch = 1000;

class CartPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeCartConfig(section); }

  void provision(Context& ctx) override {
    book_ = std::make_shared<CartBook>(config_, ctx.clock());
    ctx.services().provide<CartService>(book_);
    api_ = std::make_unique<CartApi>(ctx, *book_);
    api_->registerRoutes(ctx.routes());
    Database& db = ctx.db();
    Logger& log = ctx.logger();
    // One batch per transaction, so a long purge never holds many rows.
    ctx.jobs().handle(kPurgeQueue, [this, &db, &log](const Job&) {
      const long long before = book_->nowMs() - config_.guestCartTtl.count();
      long long purged = 0;
      for (long long n = kPurgeBatch; n == kPurgeBatch;) {
        n = db.run([&](Tx& tx) { return book_->store().purgeGuests(tx, before, kPurgeBatch); });
        purged += n;
      }
      if (purged > 0) log.info("purged abandoned guest carts", {{"carts", std::to_string(purged)}});
    });
    ctx.jobs().schedule("purge_guest_carts", "17 3 * * *", kPurgeQueue, "{}");
  }

  void validate(Context& ctx) override {
    // The catalogue is a hard dependency; stock and coupons are optional.
    book_->use(ctx.services().get<catalog::VariantDirectory>(), ctx.services().find<inventory::StockService>().get(),
               ctx.services().find<CouponEvaluator>().get());
  }

 private:
  CartConfig config_;
  std::shared_ptr<CartBook> book_;
  std::unique_ptr<CartApi> api_;
};

}  // namespace
}  // namespace agape::cart

AGAPE_PLUGIN(agape::cart::CartPlugin, "cart", "1.0.0", "catalog", "?inventory")
