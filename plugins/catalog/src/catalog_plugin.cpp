// The catalogue plugin: categories, products and variants, list/filter,
// full-text search, cached reads with ETags, and bulk import (CatalogImport).
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/catalog/events.h>
#include <agape/events.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/metrics.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "cache_version_poller.h"
#include "catalog_config.h"
#include "catalog_routes.h"
#include "search/xapian_search.h"
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
    ctx.services().provide<CatalogImport>(
        std::make_shared<CatalogImportImpl>(ctx.events(), [api = api_.get()] { api->reloaded(); }));
    ctx.events().subscribeBatch<inventory::InventoryLevelChanged>(
        "availability", [api = api_.get()](const std::vector<Delivered<inventory::InventoryLevelChanged>>& batch, Tx& tx) {
          std::vector<inventory::InventoryLevelChanged> levels;
          levels.reserve(batch.size());
          for (const auto& d : batch) levels.push_back(d.event);
          api->applyLevels(levels, tx);
        });
    if (config_.searchEngine == "xapian") followForSearch(ctx.events());
  }

  void validate(Context& ctx) override {
    media_ = ctx.services().find<media::MediaLibrary>();
    api_->useMedia(media_.get());
  }

  void start(Context& ctx) override {
    if (config_.searchEngine == "xapian") startSearch(ctx);
    poller_ = std::make_unique<CacheVersionPoller>(ctx.db(), ctx.logger(), config_.cachePollInterval,
                                                   [api = api_.get()] { api->invalidate(); });
    poller_->start();
  }

  void stop() noexcept override {
    if (poller_) poller_->stop();
    api_->useSearchEngine(nullptr);
    if (search_) {
      search_.reset();
      std::error_code ignored;
      std::filesystem::remove_all(searchDirectory_, ignored);
    }
  }

 private:
  // The index of this instance, kept current by what every instance
  // follows: products (by id), the category tree, stock levels and bulk
  // reloads. Events from before the index was built (the followers' place
  // in the log is taken first) are applied again, which changes nothing.
  void followForSearch(Events& events) {
    // Then this instance's cached responses go: a search cached between
    // the cache's poll and the index's change would outlive both.
    const auto follow = [&](std::string pattern, std::string name,
                            std::function<bool(XapianSearch&, const std::vector<Event>&)> apply) {
      events.follow(std::move(pattern), std::move(name), [this, apply](const std::vector<Event>& batch) {
        if (search_ && apply(*search_, batch)) api_->invalidate();
      });
    };
    follow("product.*", "search-products", [](XapianSearch& engine, const std::vector<Event>& batch) {
      std::vector<std::string> ids;
      for (const Event& e : batch) {
        const Json payload = Json::parse(e.payload, nullptr, false);
        if (payload.is_object() && payload.contains("id") && payload["id"].is_string())
          ids.push_back(payload["id"].get<std::string>());
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      engine.refreshProducts(ids);
      return true;
    });
    follow("category.*", "search-categories", [](XapianSearch& engine, const std::vector<Event>&) {
      engine.refreshCategories();
      return true;
    });
    follow(std::string(inventory::InventoryLevelChanged::topic), "search-stock",
           [](XapianSearch& engine, const std::vector<Event>& batch) {
             std::vector<inventory::InventoryLevelChanged> levels;
             levels.reserve(batch.size());
             for (const Event& e : batch) levels.push_back(decodeEvent<inventory::InventoryLevelChanged>(e));
             return engine.applyLevels(levels);
           });
    follow(std::string(CatalogReloaded::topic), "search-reload", [](XapianSearch& engine, const std::vector<Event>&) {
      engine.rebuild();
      return true;
    });
  }

  // Built here, before this instance serves; if the engine cannot be
  // opened, searches go to the database (logged).
  void startSearch(Context& ctx) {
    searchDirectory_ = config_.searchDirectory.empty()
                           ? (std::filesystem::path(ctx.dataDir()) / "catalog-search").string()
                           : config_.searchDirectory;
    // One directory per process: instances may share a data directory.
    // Those of processes that are gone (a crash) are removed.
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(searchDirectory_, ignored)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos || name.size() > 9) continue;
      if (::kill(std::stoi(name), 0) != 0 && errno == ESRCH) std::filesystem::remove_all(entry.path(), ignored);
    }
    searchDirectory_ += "/" + std::to_string(::getpid());
    const auto started = std::chrono::steady_clock::now();
    try {
      SearchSettings settings{.directory = searchDirectory_};
      if (!config_.synonymsFile.empty()) settings.synonyms = readSynonyms(config_.synonymsFile);
      auto engine = std::make_unique<XapianSearch>(ctx.db(), std::move(settings));
      const std::size_t products = engine->rebuild();
      search_ = std::move(engine);
      api_->useSearchEngine(search_.get());
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
      ctx.metrics()
          .gauge("agape_catalog_search_build_seconds", "Time the search index took to build at start.")
          .set(static_cast<double>(ms) / 1000.0);
      ctx.metrics()
          .gauge("agape_catalog_search_products", "Products in the search index when it was built at start.")
          .set(static_cast<double>(products));
      ctx.logger().info("search index built",
                        {{"products", std::to_string(products)}, {"ms", std::to_string(ms)},
                         {"directory", searchDirectory_}});
    } catch (const std::exception& e) {
      ctx.logger().error("the search index could not be built; searches use the database",
                         {{"error", e.what()}, {"directory", searchDirectory_}});
    }
  }

  CatalogConfig config_;
  std::unique_ptr<CatalogApi> api_;
  std::unique_ptr<CacheVersionPoller> poller_;
  std::shared_ptr<media::MediaLibrary> media_;
  std::unique_ptr<XapianSearch> search_;
  std::string searchDirectory_;
};

}  // namespace
}  // namespace agape::catalog

AGAPE_PLUGIN(agape::catalog::CatalogPlugin, "catalog", "1.0.0", "?media")
