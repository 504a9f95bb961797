#include "stock_ledger.h"

#include <agape/json.h>

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
  // only; every value is bound.
  std::string sql =
      "INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reason, actor, reference, "
      "level_version, created_at) VALUES ";
  Params params;
  params.reserve(changes.size() * 9);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const std::string n = std::to_string(i);
    sql += (i ? ", (" : "(");
    sql += ":v" + n + ", :k" + n + ", :o" + n + ", :r" + n + ", :why" + n + ", :who" + n + ", :ref" + n + ", :ver" +
           n + ", :at" + n + ")";
    const LevelChange& c = changes[i];
    params.emplace_back(c.after.variantId);
    params.emplace_back(movementKindName(movement.kind));
    params.emplace_back(c.onHandDelta);
    params.emplace_back(c.reservedDelta);
    params.emplace_back(movement.reason);
    params.emplace_back(movement.actor);
    if (movement.reference.empty())
      params.emplace_back(nullptr);
    else
      params.emplace_back(movement.reference);
    params.emplace_back(c.after.version);
    params.emplace_back(now);
  }
  tx.exec(sql, params);

  for (const LevelChange& c : changes) {
    const Level& l = c.after;
    events_.publish("inventory.level_changed",
                    Json{{"variantId", l.variantId},
                         {"available", l.available()},
                         {"onHand", l.onHand},
                         {"reserved", l.reserved},
                         {"version", l.version}}
                        .dump(),
                    tx);
    const long long threshold = thresholdOf(l);
    if (threshold > 0 && c.availableBefore >= threshold && l.available() < threshold)
      events_.publish("inventory.low_stock",
                      Json{{"variantId", l.variantId}, {"available", l.available()}, {"threshold", threshold}}.dump(),
                      tx);
  }
}

}  // namespace agape::inventory
