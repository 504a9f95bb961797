#include "opening_stock_impl.h"

#include <optional>

#include <agape/db.h>

namespace agape::inventory {

bool LedgerOpeningStock::open(Tx& tx, const std::string& variantId, long long quantity, long long unitCost,
                              const std::string& reason) const {
  const long long now = ledger_.nowMs();
  if (tx.exec("INSERT INTO inventory_levels (variant_id, on_hand, reserved, version, unit_cost, updated_at) "
              "VALUES (:v, :q, 0, 1, :cost, :now) ON CONFLICT (variant_id) DO NOTHING",
              {{"v", variantId}, {"q", quantity}, {"cost", unitCost}, {"now", now}}) == 0)
    return false;
  Level level{variantId, quantity, 0, 1, std::nullopt, unitCost, now};
  ledger_.record(tx, {LevelChange{level, quantity, 0, 0}}, Movement{MovementKind::Adjust, reason, "system", ""});
  return true;
}

}  // namespace agape::inventory
