#pragma once
// Reads for the admin API: one level, the low-stock list and the stock
// statistics, rendered with the catalogue's SKU and product name.
#include <optional>
#include <string>
#include <vector>

#include <agape/catalog/variant_directory.h>
#include <agape/json.h>

#include "stock_ledger.h"

namespace agape::inventory {

// The currency of every amount (the store's; prices are in its minor unit).
inline constexpr const char* kStoreCurrency = "NGN";

class LevelQueries {
 public:
  LevelQueries(const StockLedger& ledger) : ledger_(ledger) {}

  // {variantId, sku, productName, onHand, reserved, available, version,
  //  lowStockThreshold, unitCost, updatedAt} for each level, in order.
  Json render(Tx& tx, const catalog::VariantDirectory& variants, const std::vector<Level>& levels) const;
  std::optional<Level> find(Tx& tx, const std::string& variantId) const;
  // The newest movements of a variant, newest first.
  Json movements(Tx& tx, const std::string& variantId, int limit) const;
  // Levels whose available is below `threshold`, or below their own or the
  // default threshold when it is not given; lowest first, paginated.
  Json lowStock(Tx& tx, const catalog::VariantDirectory& variants, std::optional<long long> threshold, int page,
                int limit) const;
  // {unitsOnHand, unitsReserved, unitsAvailable, valueAtCost, outOfStockCount, variantCount}
  Json stats(Tx& tx) const;

 private:
  const StockLedger& ledger_;
};

}  // namespace agape::inventory
