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
  LevelDetail level(const std::string& variantId);
  // Applies every line or none: the levels after, or Problem 404/409 (a bulk
  // request's 409 names every line the stock refuses).
  std::vector<LevelView> adjust(const Request& req, const std::vector<Adjustment>& lines, std::string_view auditAction,
                                bool bulk);

  Context& ctx_;
  LevelQueries queries_;
  Adjuster adjuster_;
  const catalog::VariantDirectory* variants_ = nullptr;
};

}  // namespace agape::inventory
