#include "stock_ledger.h"

#include <agape/inventory/events.h>

#include "time_text.h"

namespace agape::inventory {

Level levelFromRow(const Row& row) {
  Level l;
  l.variantId = row.text("variant_id");
  l.onHand = row.integer("on_hand");
  l.reserved = row.integer("reserved");
  l.version = row.integer("version");
  l.lowStockThreshold = row.optInteger("low_stock_threshold");
  l.unitCost = row.optInteger("unit_cost");
  l.updatedAt = row.integer("updated_at");
  return l;
}

const char* movementKindName(MovementKind kind) {
  switch (kind) {
    case MovementKind::Adjust: return "adjust";
    case MovementKind::Reserve: return "reserve";
    case MovementKind::Commit: return "commit";
    case MovementKind::Release: return "release";
    case MovementKind::Expire: return "expire";
    case MovementKind::Return: return "return";
  }
  return "adjust";
}

long long StockLedger::nowMs() const { return inventory::nowMs(clock_); }

void StockLedger::record(Tx& tx, const std::vector<LevelChange>& changes, const Movement& movement) const {
  if (changes.empty()) return;
  const long long now = nowMs();
  // One multi-row INSERT: the statement is built from the number of rows
  // only; every value is bound, the movement's own once for all rows.
  std::string sql =
      "INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reason, actor, reference, "
      "level_version, created_at) VALUES ";
  Params params{{"kind", movementKindName(movement.kind)},
                {"why", movement.reason},
                {"who", movement.actor},
                {"ref", movement.reference.empty() ? Value() : Value(movement.reference)},
                {"now", now}};
  params.reserve(params.size() + changes.size() * 4);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const std::string n = std::to_string(i);
    sql += (i ? ", (" : "(");
    sql += ":v" + n + ", :kind, :o" + n + ", :r" + n + ", :why, :who, :ref, :ver" + n + ", :now)";
    const LevelChange& c = changes[i];
    params.emplace_back("v" + n, c.after.variantId);
    params.emplace_back("o" + n, c.onHandDelta);
    params.emplace_back("r" + n, c.reservedDelta);
    params.emplace_back("ver" + n, c.after.version);
  }
  tx.execLater(sql, params);

  for (const LevelChange& c : changes) {
    const Level& l = c.after;
    events_.publish(tx, InventoryLevelChanged{.variantId = l.variantId,
                                              .available = l.available(),
                                              .onHand = l.onHand,
                                              .reserved = l.reserved,
                                              .version = l.version});
    const long long threshold = thresholdOf(l);
    if (threshold > 0 && c.availableBefore >= threshold && l.available() < threshold)
      events_.publish(tx, InventoryLowStock{.variantId = l.variantId, .available = l.available(), .threshold = threshold});
  }
}

}  // namespace agape::inventory
