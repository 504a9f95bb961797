// The catalogue plugin: categories, products and variants, list/filter,
// full-text search, cached reads with ETags, and bulk import (CatalogImport).
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/logger.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "cache_version_poller.h"
#include "catalog_config.h"
#include "catalog_routes.h"
#include <agape/media/media_library.h>

#include "catalog_import_impl.h"
#include "variant_directory_impl.h"

namespace agape::catalog {
namespace {

class CatalogPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeCatalogConfig(section); }

  void provision(Context& ctx) override {
    api_ = std::make_unique<CatalogApi>(ctx, config_);
    api_->registerRoutes(ctx.routes());
    ctx.services().provide<VariantDirectory>(std::make_shared<CatalogVariantDirectory>());
    ctx.services().provide<CatalogImport>(std::make_shared<CatalogImportImpl>());
    ctx.events().subscribeBatch<inventory::InventoryLevelChanged>(
        "availability", [api = api_.get()](const std::vector<Delivered<inventory::InventoryLevelChanged>>& batch, Tx& tx) {
          std::vector<inventory::InventoryLevelChanged> levels;
          levels.reserve(batch.size());
          for (const auto& d : batch) levels.push_back(d.event);
          api->applyLevels(levels, tx);
        });
  }

  void validate(Context& ctx) override {
    media_ = ctx.services().find<media::MediaLibrary>();
    api_->useMedia(media_.get());
  }

  void start(Context& ctx) override {
    poller_ = std::make_unique<CacheVersionPoller>(ctx.db(), ctx.logger(), config_.cachePollInterval,
                                                   [api = api_.get()] { api->invalidate(); });
    poller_->start();
  }

  void stop() noexcept override {
    if (poller_) poller_->stop();
  }

 private:
  CatalogConfig config_;
  std::unique_ptr<CatalogApi> api_;
  std::unique_ptr<CacheVersionPoller> poller_;
  std::shared_ptr<media::MediaLibrary> media_;
};

}  // namespace
}  // namespace agape::catalog

AGAPE_PLUGIN(agape::catalog::CatalogPlugin, "catalog", "1.0.0", "?media")
