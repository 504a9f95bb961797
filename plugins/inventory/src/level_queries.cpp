#include "level_queries.h"

#include <map>

#include "time_text.h"

namespace agape::inventory {

Json LevelQueries::render(Tx& tx, const catalog::VariantDirectory& variants, const std::vector<Level>& levels) const {
  std::vector<std::string> ids;
  for (const auto& l : levels) ids.push_back(l.variantId);
  std::map<std::string, catalog::VariantSummary> names;
  for (auto& v : variants.lookup(tx, ids)) names.emplace(v.id, std::move(v));
  Json out = Json::array();
  for (const auto& l : levels) {
    const auto it = names.find(l.variantId);
    const bool named = it != names.end();
    out.push_back({{"variantId", l.variantId},
                   {"sku", named ? Json(it->second.sku) : Json()},
                   {"productName", named ? Json(it->second.productName) : Json()},
                   {"onHand", l.onHand},
                   {"reserved", l.reserved},
                   {"available", l.available()},
                   {"version", l.version},
                   {"lowStockThreshold", ledger_.thresholdOf(l)},
                   {"unitCost", l.unitCost ? Json(*l.unitCost) : Json()},
                   {"updatedAt", l.version > 0 ? Json(rfc3339Utc(l.updatedAt)) : Json()}});
  }
  return out;
}

std::optional<Level> LevelQueries::find(Tx& tx, const std::string& variantId) const {
  auto row = tx.one(std::string("SELECT ") + kLevelColumns + " FROM inventory_levels WHERE variant_id = :v",
                    {{"v", variantId}});
  if (!row) return std::nullopt;
  return levelFromRow(*row);
}

Json LevelQueries::movements(Tx& tx, const std::string& variantId, int limit) const {
  Json out = Json::array();
  for (const Row& r : tx.query("SELECT kind, on_hand_delta, reserved_delta, reason, actor, reference, level_version, "
                               "created_at FROM inventory_movements WHERE variant_id = :v ORDER BY id DESC LIMIT :n",
                               {{"v", variantId}, {"n", limit}})) {
    const auto reference = r.optText("reference");
    out.push_back({{"kind", r.text("kind")},
                   {"onHandDelta", r.integer("on_hand_delta")},
                   {"reservedDelta", r.integer("reserved_delta")},
                   {"reason", r.text("reason")},
                   {"actor", r.text("actor")},
                   {"reference", reference ? Json(*reference) : Json()},
                   {"version", r.integer("level_version")},
                   {"at", rfc3339Utc(r.integer("created_at"))}});
  }
  return out;
}

Json LevelQueries::lowStock(Tx& tx, const catalog::VariantDirectory& variants, std::optional<long long> threshold,
                            int page, int limit) const {
  // Either the caller's threshold for every level, or each level's own
  // (NULL: the default); both are bound values.
  const std::string where =
      threshold ? " WHERE on_hand - reserved < CAST(:t AS BIGINT)"
                : " WHERE on_hand - reserved < COALESCE(low_stock_threshold, CAST(:t AS BIGINT))";
  const long long t = threshold.value_or(ledger_.defaultThreshold());
  const long long total = tx.one("SELECT COUNT(*) AS n FROM inventory_levels" + where, {{"t", t}})->integer("n");
  std::vector<Level> levels;
  for (const Row& r : tx.query(std::string("SELECT ") + kLevelColumns + " FROM inventory_levels" + where +
                                   " ORDER BY on_hand - reserved, variant_id LIMIT :limit OFFSET :offset",
                               {{"t", t}, {"limit", limit},
                                {"offset", static_cast<long long>(page - 1) * limit}}))
    levels.push_back(levelFromRow(r));
  return pageJson(render(tx, variants, levels), page, limit, total);
}

Json LevelQueries::stats(Tx& tx) const {
  // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so both databases
  // answer with integers.
  const Row r = *tx.one(
      "SELECT COUNT(*) AS variants, CAST(COALESCE(SUM(on_hand), 0) AS BIGINT) AS on_hand, "
      "CAST(COALESCE(SUM(reserved), 0) AS BIGINT) AS reserved, "
      "CAST(COALESCE(SUM(CASE WHEN on_hand - reserved <= 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS out_of_stock, "
      "CAST(COALESCE(SUM(on_hand * unit_cost), 0) AS BIGINT) AS value, COUNT(unit_cost) AS costed "
      "FROM inventory_levels");
  const long long onHand = r.integer("on_hand"), reserved = r.integer("reserved");
  return Json{{"unitsOnHand", onHand},
              {"unitsReserved", reserved},
              {"unitsAvailable", onHand - reserved},
              {"valueAtCost", r.integer("costed") > 0 ? Json{{"amount", r.integer("value")}, {"currency", kStoreCurrency}}
                                                      : Json()},
              {"outOfStockCount", r.integer("out_of_stock")},
              {"variantCount", r.integer("variants")}};
}

}  // namespace agape::inventory
