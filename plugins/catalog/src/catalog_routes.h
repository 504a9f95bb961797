#pragma once
// The catalogue's HTTP surface and the state it shares: the response cache,
// the writers, and the availability read model fed by inventory events.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <agape/context.h>
#include <agape/contract.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/inventory/events.h>
#include <agape/metrics.h>

#include "catalog_config.h"
#include "category_store.h"
#include "product_writer.h"
#include "response_cache.h"
#include "search/xapian_search.h"

namespace agape::catalog {

class CatalogApi {
 public:
  CatalogApi(Context& ctx, const CatalogConfig& config);
  void registerRoutes(Routes& routes);
  // Applies an inventory.level_changed event ({variantId, available}).
  // The availability read model: the newest of these levels per variant,
  // in `tx` (a batch of inventory.level_changed events).
  void applyLevels(const std::vector<inventory::InventoryLevelChanged>& levels, Tx& tx);
  void invalidate() { cache_.invalidate(); }
  void useMedia(media::MediaLibrary* media) { products_.useMedia(media); }
  // After a bulk change of this instance commits (CatalogImport).
  void reloaded();
  // Searches go to `engine` from now on (nullptr: the database's index).
  void useSearchEngine(XapianSearch* engine) { engine_ = engine; }

 private:
  // A GET answered from the response cache: on the network thread when the
  // entry is there (the route's fast path), else rendered on a worker. The
  // query is decoded by the contract's schema on both paths.
  template <class Q, class O, class KeyOf, class Render>
  void cachedRoute(Routes& routes, std::string path, const Contract<None, Q, O>& contract, RouteOptions options,
                   KeyOf keyOf, Render render);
  static Response respond(const Request& req, const CachedResponse& r);
  // After a write of this instance commits (see WriteDeps::committed).
  void committed(const std::string& productId);
  // `change` applied to the index now (a failure is logged: the followed
  // event brings it), then the cached responses dropped.
  void takeAtOnce(const std::function<void(XapianSearch&)>& change);
  // The engine's answer, or the database's when there is no engine or it failed.
  SearchResult search(const SearchQuery& q);

  Context& ctx_;
  ResponseCache cache_;
  ProductWriter products_;
  CategoryStore categories_;
  std::atomic<XapianSearch*> engine_{nullptr};
  Counter* searchFallbacks_;
};

}  // namespace agape::catalog
