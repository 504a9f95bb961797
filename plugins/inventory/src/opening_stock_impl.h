#pragma once
// The inventory's OpeningStock, on its ledger.
#include <agape/inventory/opening_stock.h>

#include "stock_ledger.h"

namespace agape::inventory {

class LedgerOpeningStock final : public OpeningStock {
 public:
  explicit LedgerOpeningStock(const StockLedger& ledger) : ledger_(ledger) {}
  bool open(Tx& tx, const std::string& variantId, long long quantity, long long unitCost,
            const std::string& reason) const override;

 private:
  const StockLedger& ledger_;
};

}  // namespace agape::inventory
