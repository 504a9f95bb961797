#include "adjustments.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>

#include <agape/json.h>

namespace agape::inventory {

AdjustmentResult Adjuster::apply(Tx& tx, const catalog::VariantDirectory& variants,
                                 const std::vector<Adjustment>& lines, const std::string& actor,
                                 const std::string& requestId, std::string_view auditAction) const {
  AdjustmentResult result;
  std::vector<std::string> ids;
  for (const auto& line : lines) ids.push_back(line.variantId);
  std::set<std::string> known;
  for (const auto& v : variants.lookup(tx, ids)) known.insert(v.id);

  // Lock (creating at zero where missing) in variant id order, like every
  // other writer, then check every line against the locked rows.
  std::vector<std::size_t> order(lines.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  const long long now = ledger_.nowMs();
  std::vector<std::optional<Level>> current(lines.size());
  for (std::size_t i : order) {
    if (!known.count(ids[i])) {
      result.failures.push_back({AdjustmentFailure::Kind::UnknownVariant, i, "variantId", "is not a known variant"});
      continue;
    }
    // A concurrent first adjustment of the same variant waits here for the
    // other's outcome instead of failing on the primary key.
    tx.exec("INSERT INTO inventory_levels (variant_id, on_hand, reserved, version, updated_at) "
            "VALUES (:v, 0, 0, 0, :now) ON CONFLICT (variant_id) DO NOTHING",
            {{"v", ids[i]}, {"now", now}});
    auto row = tx.one(std::string("SELECT ") + kLevelColumns + " FROM inventory_levels WHERE variant_id = :v" +
                          forUpdate(tx),
                      {{"v", ids[i]}});
    current[i] = levelFromRow(*row);
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!current[i]) continue;
    const Adjustment& a = lines[i];
    const Level& cur = *current[i];
    if (a.version && *a.version != cur.version)
      result.failures.push_back({AdjustmentFailure::Kind::VersionConflict, i, "version",
                                 "is " + std::to_string(*a.version) + " but the level is at version " +
                                     std::to_string(cur.version) + "; read it again"});
    const long long target = a.delta ? cur.onHand + *a.delta : *a.quantity;
    const char* field = a.delta ? "delta" : "quantity";
    if (target < 0)
      result.failures.push_back({AdjustmentFailure::Kind::Invalid, i, field,
                                 "would take on hand from " + std::to_string(cur.onHand) + " to " +
                                     std::to_string(target) + ", below zero"});
    else if (target < cur.reserved)
      result.failures.push_back({AdjustmentFailure::Kind::Invalid, i, field,
                                 "would take on hand to " + std::to_string(target) + ", below the " +
                                     std::to_string(cur.reserved) + " units reserved"});
  }
  if (!result.failures.empty()) {
    std::sort(result.failures.begin(), result.failures.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    return result;
  }

  result.levels.resize(lines.size());
  for (std::size_t i : order) {
    const Adjustment& a = lines[i];
    const Level& cur = *current[i];
    const long long target = a.delta ? cur.onHand + *a.delta : *a.quantity;
    const auto rows = tx.query(
        std::string("UPDATE inventory_levels SET on_hand = :n, version = version + 1, updated_at = :now, "
                    "unit_cost = COALESCE(CAST(:cost AS BIGINT), unit_cost), "
                    "low_stock_threshold = CASE WHEN CAST(:set AS INTEGER) = 1 THEN CAST(:t AS BIGINT) "
                    "ELSE low_stock_threshold END WHERE variant_id = :v RETURNING ") +
            kLevelColumns,
        {{"n", target}, {"now", now}, {"cost", a.unitCost}, {"set", a.lowStockThreshold.given ? 1 : 0},
         {"t", a.lowStockThreshold.value}, {"v", ids[i]}});
    LevelChange change{levelFromRow(rows.front()), target - cur.onHand, 0, cur.available()};
    ledger_.record(tx, {change}, Movement{MovementKind::Adjust, a.reason, actor, requestId});
    Json details{{"reason", a.reason},
                 {"onHand", {{"from", cur.onHand}, {"to", target}}},
                 {"version", change.after.version}};
    if (a.delta) details["delta"] = *a.delta;
    if (a.unitCost) details["unitCost"] = *a.unitCost;
    if (a.lowStockThreshold.given)
      details["lowStockThreshold"] = a.lowStockThreshold.value ? Json(*a.lowStockThreshold.value) : Json();
    audit_.record(actor, auditAction, "inventory_level", ids[i], details.dump(), tx);
    result.levels[i] = change.after;
  }
  return result;
}

}  // namespace agape::inventory
