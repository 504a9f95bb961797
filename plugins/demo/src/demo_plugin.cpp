// The demo plugin (development only): the demo fashion catalogue with its
// pictures and stock, loaded on start into an empty shop, and the seed
// commands for demos and load benchmarks (`agape seed demo`, `seed bench`,
// `seed customers`, `seed orders`). It fills the other plugins through their public services.
#include <memory>
#include <stdexcept>
#include <string>

#include <agape/auth/account_import.h>
#include <agape/auth/user_directory.h>
#include <agape/catalog/catalog_import.h>
#include <agape/catalog/variant_directory.h>
#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/inventory/opening_stock.h>
#include <agape/logger.h>
#include <agape/media/media_library.h>
#include <agape/orders/order_history_import.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "demo_catalogue.h"
#include "demo_config.h"
#include "demo_pictures.h"
#include "demo_stock.h"
#include "order_seed.h"
#include "seed_commands.h"

namespace agape::demo {
namespace {

class DemoPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeDemoConfig(section); }

  void provision(Context& ctx) override {
    refuseOutsideDevelopment(ctx.environment());
    addSeedCommands(ctx.commands(), ctx.db(), seedServices_);
    addHistorySeedCommands(ctx.commands(), ctx.db(), ctx.clock(), orderSeedSources_);
  }

  void validate(Context& ctx) override {
    // The catalogue is a hard dependency (the kernel refuses to start without
    // it); the others are optional and may be null.
    seedServices_ = {ctx.services().find<catalog::CatalogImport>(), ctx.services().find<media::MediaLibrary>()};
    if (!seedServices_.catalog) throw std::logic_error("the catalog plugin provides no CatalogImport");
    variants_ = ctx.services().find<catalog::VariantDirectory>();
    orderSeedSources_ = {ctx.services().find<orders::OrderHistoryImport>(), variants_,
                         ctx.services().find<auth::UserDirectory>(), ctx.services().find<auth::AccountImport>()};
    stock_ = ctx.services().find<inventory::OpeningStock>();
    if (config_.stock && !stock_)
      ctx.config().child("stock")->fail("needs the inventory plugin: enable it, or set demo.stock: false");
  }

  void start(Context& ctx) override {
    if (config_.catalogue) loadCatalogue(ctx);
    if (config_.stock) {
      const int created = ctx.db().run([&](Tx& tx) { return seedDemoStock(tx, *variants_, *stock_); });
      if (created > 0) ctx.logger().info("stocked the demo catalogue", {{"variants", std::to_string(created)}});
    }
  }

 private:
  void loadCatalogue(Context& ctx) {
    const catalog::CatalogImport& catalog = *seedServices_.catalog;
    SeedResult r;
    try {
      r = ctx.db().run([&](Tx& tx) { return seedDemoCatalogue(tx, catalog); });
    } catch (const DbError& e) {
      // Two instances starting on an empty database: the demo rows have
      // fixed ids, so the second one's insert collides and it can go on.
      if (e.kind() != DbError::Kind::UniqueViolation) throw;
      ctx.logger().info("the demo catalogue was loaded by another instance");
    }
    if (r.products > 0)
      ctx.logger().info("loaded the demo catalogue", {{"categories", std::to_string(r.categories)},
                                                      {"products", std::to_string(r.products)},
                                                      {"variants", std::to_string(r.variants)}});
    if (seedServices_.media)
      if (const int dressed = dressDemoProducts(ctx.db(), catalog, *seedServices_.media); dressed > 0)
        ctx.logger().info("gave the demo products pictures", {{"products", std::to_string(dressed)}});
  }

  DemoConfig config_;
  SeedServices seedServices_;
  OrderSeedSources orderSeedSources_;
  std::shared_ptr<catalog::VariantDirectory> variants_;
  std::shared_ptr<inventory::OpeningStock> stock_;
};

}  // namespace
}  // namespace agape::demo

// Ordered after the plugins it fills, so their tables exist and their
// services are there when it starts.
AGAPE_PLUGIN(agape::demo::DemoPlugin, "demo", "1.0.0", "catalog", "?inventory", "?media", "?orders", "?auth")
