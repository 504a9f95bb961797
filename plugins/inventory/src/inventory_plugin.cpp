// The inventory plugin: stock levels per catalogue variant, two-phase
// reservations with expiry (the StockService other plugins call), the
// movement ledger, low-stock alerts, the admin API and opening stock levels
// (OpeningStock) for plugins that load a catalogue.
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/logger.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "expiry_timer.h"
#include "inventory_api.h"
#include "inventory_config.h"
#include "opening_stock_impl.h"
#include "reservation_book.h"
#include "reservation_expiry.h"
#include "stock_ledger.h"

namespace agape::inventory {
namespace {

class InventoryPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeInventoryConfig(section); }

  void provision(Context& ctx) override {
    ledger_ = std::make_unique<StockLedger>(ctx.events(), ctx.clock(), config_.lowStockThreshold);
    book_ = std::make_shared<ReservationBook>(*ledger_, config_.reservationTtl);
    book_->countWith(ctx.metrics());
    ctx.services().provide<StockService>(book_);
    ctx.services().provide<OpeningStock>(std::make_shared<LedgerOpeningStock>(*ledger_));
    expiry_ = std::make_unique<ReservationExpiry>(ctx.db(), ctx.clock(), *book_, config_.expiryBatch);
    expiry_->registerWith(ctx.jobs());
    timer_ = std::make_shared<ExpiryTimer>(ctx.db(), ctx.clock(), ctx.logger(), *book_, *expiry_);
    // The book is a service other plugins may hold on to: it reaches the
    // timer only while the plugin keeps it.
    book_->wakeOnReserve([timer = std::weak_ptr<ExpiryTimer>(timer_)](long long expiresAtMs) {
      if (const auto t = timer.lock()) t->reserved(expiresAtMs);
    });
    api_ = std::make_unique<InventoryApi>(ctx, *ledger_);
    api_->registerRoutes(ctx.routes());
  }

  void validate(Context& ctx) override {
    // A hard dependency: the kernel refuses to start without the catalogue.
    variants_ = &ctx.services().get<catalog::VariantDirectory>();
    api_->useVariants(*variants_);
  }

  // The expiry timer runs on every instance (holds expire within a second
  // of their time); the minute sweep stays as the safety net.
  void start(Context&) override { timer_->start(); }

  void stop() noexcept override {
    if (timer_) timer_->stop();
  }

 private:
  InventoryConfig config_;
  std::unique_ptr<StockLedger> ledger_;
  std::shared_ptr<ReservationBook> book_;
  std::unique_ptr<ReservationExpiry> expiry_;
  std::shared_ptr<ExpiryTimer> timer_;
  std::unique_ptr<InventoryApi> api_;
  const catalog::VariantDirectory* variants_ = nullptr;
};

}  // namespace
}  // namespace agape::inventory

AGAPE_PLUGIN(agape::inventory::InventoryPlugin, "inventory", "1.0.0", "catalog")
