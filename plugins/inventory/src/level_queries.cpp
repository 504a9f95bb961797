#include "level_queries.h"

#include <map>


namespace agape::inventory {

std::vector<LevelView> LevelQueries::view(Tx& tx, const catalog::VariantDirectory& variants,
                                          const std::vector<Level>& levels) const {
  std::vector<std::string> ids;
  for (const auto& l : levels) ids.push_back(l.variantId);
  std::map<std::string, catalog::VariantSummary> names;
  for (auto& v : variants.lookup(tx, ids)) names.emplace(v.id, std::move(v));
  std::vector<LevelView> out;
  for (const auto& l : levels) {
    LevelView v{l.variantId, std::nullopt, std::nullopt, l.onHand, l.reserved, l.available(), l.version,
                ledger_.thresholdOf(l), l.unitCost, std::nullopt};
    if (const auto it = names.find(l.variantId); it != names.end()) {
      v.sku = it->second.sku;
      v.productName = it->second.productName;
    }
    if (l.version > 0) v.updatedAt = Timestamp{l.updatedAt};
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<Level> LevelQueries::find(Tx& tx, const std::string& variantId) const {
  auto row = tx.one(std::string("SELECT ") + kLevelColumns + " FROM inventory_levels WHERE variant_id = :v",
                    {{"v", variantId}});
  if (!row) return std::nullopt;
  return levelFromRow(*row);
}

std::vector<MovementView> LevelQueries::movements(Tx& tx, const std::string& variantId, int limit) const {
  std::vector<MovementView> out;
  for (const Row& r : tx.query("SELECT kind, on_hand_delta, reserved_delta, reason, actor, reference, level_version, "
                               "created_at FROM inventory_movements WHERE variant_id = :v ORDER BY id DESC LIMIT :n",
                               {{"v", variantId}, {"n", limit}}))
    out.push_back({r.text("kind"), r.integer("on_hand_delta"), r.integer("reserved_delta"), r.text("reason"),
                   r.text("actor"), r.optText("reference"), r.integer("level_version"),
                   Timestamp{r.integer("created_at")}});
  return out;
}

Page<LevelView> LevelQueries::lowStock(Tx& tx, const catalog::VariantDirectory& variants,
                                       std::optional<long long> threshold, int page, int limit) const {
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
  return {view(tx, variants, levels), page, limit, total};
}

StockStats LevelQueries::stats(Tx& tx) const {
  // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so both databases
  // answer with integers.
  const Row r = *tx.one(
      "SELECT COUNT(*) AS variants, CAST(COALESCE(SUM(on_hand), 0) AS BIGINT) AS on_hand, "
      "CAST(COALESCE(SUM(reserved), 0) AS BIGINT) AS reserved, "
      "CAST(COALESCE(SUM(CASE WHEN on_hand - reserved <= 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS out_of_stock, "
      "CAST(COALESCE(SUM(on_hand * unit_cost), 0) AS BIGINT) AS value, COUNT(unit_cost) AS costed "
      "FROM inventory_levels");
  const long long onHand = r.integer("on_hand"), reserved = r.integer("reserved");
  StockStats out{onHand, reserved, onHand - reserved, std::nullopt, r.integer("out_of_stock"), r.integer("variants")};
  if (r.integer("costed") > 0) out.valueAtCost = Money{r.integer("value"), kStoreCurrency};
  return out;
}

}  // namespace agape::inventory
