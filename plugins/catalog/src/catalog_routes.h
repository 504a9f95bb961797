#pragma once
// The catalogue's HTTP surface and the state it shares: the response cache,
// the writers, and the availability read model fed by inventory events.
#include <memory>
#include <string>

#include <agape/context.h>
#include <agape/events.h>
#include <agape/http.h>

#include "catalog_config.h"
#include "category_store.h"
#include "product_writer.h"
#include "response_cache.h"

namespace agape::catalog {

class CatalogApi {
 public:
  CatalogApi(Context& ctx, const CatalogConfig& config);
  void registerRoutes(Routes& routes);
  // Applies an inventory.level_changed event ({variantId, available}).
  void applyLevelChanged(const Event& event);
  void invalidate() { cache_.invalidate(); }

 private:
  Response cachedGet(const Request& req, const std::string& key, const std::function<Json(Tx&)>& render);

  Context& ctx_;
  ResponseCache cache_;
  ProductWriter products_;
  CategoryStore categories_;
};

}  // namespace agape::catalog
