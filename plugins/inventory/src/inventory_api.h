#pragma once
// The inventory's admin HTTP surface: one level with its movements, the
// low-stock list, statistics, single and bulk adjustments.
#include <agape/catalog/variant_directory.h>
#include <agape/context.h>
#include <agape/http.h>

#include "adjustments.h"
#include "level_queries.h"
#include "stock_ledger.h"

namespace agape::inventory {

class InventoryApi {
 public:
  InventoryApi(Context& ctx, const StockLedger& ledger)
      : ctx_(ctx), queries_(ledger), adjuster_(ledger, ctx.audit()) {}

  void registerRoutes(Routes& routes);
  // Validate: the catalogue's directory, which every route needs.
  void useVariants(const catalog::VariantDirectory& variants) { variants_ = &variants; }

 private:
  const catalog::VariantDirectory& variants() const;
  Response level(const Request& req);
  Response lowStock(const Request& req);
  Response stats(const Request& req);
  Response adjust(const Request& req);
  Response bulkAdjust(const Request& req);

  Context& ctx_;
  LevelQueries queries_;
  Adjuster adjuster_;
  const catalog::VariantDirectory* variants_ = nullptr;
};

}  // namespace agape::inventory
