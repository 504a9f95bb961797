#pragma once
// Stock adjustments from the admin API: a delta or an absolute count per
// variant, with a reason, an optional expected version and optional cost and
// low-stock threshold. A list applies completely or not at all.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <agape/audit.h>
#include <agape/catalog/variant_directory.h>
#include <agape/problem.h>
#include <agape/schema.h>

#include "stock_ledger.h"

namespace agape::inventory {

struct Adjustment {
  std::string variantId;
  std::optional<long long> delta;     // exactly one of delta and quantity
  std::optional<long long> quantity;  // the new on-hand count
  std::string reason;
  std::optional<long long> version;  // the level's version the caller last read (0: no level yet)
  std::optional<long long> unitCost;
  Patch<long long> lowStockThreshold;  // given as null: back to the default
};

// Bounds of an adjustment's numbers.
inline constexpr long long kMaxUnits = 1'000'000'000;
inline constexpr long long kMaxUnitCost = 1'000'000'000'000LL;
inline constexpr long long kMaxThreshold = 1'000'000;

// Why a line cannot be applied to the stock as it is.
struct AdjustmentFailure {
  enum class Kind { UnknownVariant, VersionConflict, Invalid };
  Kind kind;
  std::size_t line;
  std::string field;  // "variantId", "version", "delta" or "quantity"
  std::string message;
};

struct AdjustmentResult {
  std::vector<Level> levels;  // in line order, when every line applied
  std::vector<AdjustmentFailure> failures;  // otherwise; nothing was applied
};

class Adjuster {
 public:
  Adjuster(const StockLedger& ledger, Audit& audit) : ledger_(ledger), audit_(audit) {}

  // Applies every line or, when any line fails, none: the failures come back
  // and the caller throws, rolling back `tx` (level rows created for the
  // check included). Variant ids must be distinct. Each applied line writes a
  // movement (reference: `requestId`), its events and one audit entry.
  AdjustmentResult apply(Tx& tx, const catalog::VariantDirectory& variants, const std::vector<Adjustment>& lines,
                         const std::string& actor, const std::string& requestId, std::string_view auditAction) const;

 private:
  const StockLedger& ledger_;
  Audit& audit_;
};

}  // namespace agape::inventory
