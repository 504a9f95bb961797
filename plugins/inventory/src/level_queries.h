#pragma once
// Reads for the admin API: one level, the low-stock list and the stock
// statistics, with the catalogue's SKU and product name.
#include <optional>
#include <string>
#include <vector>

#include <agape/catalog/variant_directory.h>
#include <agape/money.h>
#include <agape/schema.h>

#include "stock_ledger.h"

namespace agape::inventory {

// The currency of every amount (the store's; prices are in its minor unit).
inline constexpr const char* kStoreCurrency = "NGN";

// A level as the admin API shows it.
struct LevelView {
  std::string variantId;
  std::optional<std::string> sku;          // null once the variant is gone from the catalogue
  std::optional<std::string> productName;  // likewise
  long long onHand = 0;
  long long reserved = 0;
  long long available = 0;
  long long version = 0;
  long long lowStockThreshold = 0;  // its own, else the default
  std::optional<long long> unitCost;
  std::optional<Timestamp> updatedAt;  // null for a level never written
};

struct MovementView {
  std::string kind;
  long long onHandDelta = 0;
  long long reservedDelta = 0;
  std::string reason;
  std::string actor;
  std::optional<std::string> reference;
  long long version = 0;
  Timestamp at;
};

// One level with its newest movements.
struct LevelDetail : LevelView {
  std::vector<MovementView> movements;
};

struct StockStats {
  long long unitsOnHand = 0;
  long long unitsReserved = 0;
  long long unitsAvailable = 0;
  std::optional<Money> valueAtCost;  // of the units whose cost is known; null when none is
  long long outOfStockCount = 0;
  long long variantCount = 0;
};

class LevelQueries {
 public:
  LevelQueries(const StockLedger& ledger) : ledger_(ledger) {}

  // The levels as shown, in order.
  std::vector<LevelView> view(Tx& tx, const catalog::VariantDirectory& variants, const std::vector<Level>& levels) const;
  std::optional<Level> find(Tx& tx, const std::string& variantId) const;
  // The newest movements of a variant, newest first.
  std::vector<MovementView> movements(Tx& tx, const std::string& variantId, int limit) const;
  // Levels whose available is below `threshold`, or below their own or the
  // default threshold when it is not given; lowest first, paginated.
  Page<LevelView> lowStock(Tx& tx, const catalog::VariantDirectory& variants, std::optional<long long> threshold,
                           int page, int limit) const;
  StockStats stats(Tx& tx) const;

 private:
  const StockLedger& ledger_;
};

}  // namespace agape::inventory
