#include "demo_stock.h"

#include <cstdint>

namespace agape::inventory {

long long demoQuantity(const std::string& variantId) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across runs and platforms
  for (unsigned char c : variantId) h = (h ^ c) * 1099511628211ULL;
  const auto r = static_cast<long long>(h % 100);
  if (r < 8) return 0;
  if (r < 20) return 1 + r % 4;
  return 5 + static_cast<long long>((h / 100) % 36);
}

int seedDemoStock(Tx& tx, const catalog::VariantDirectory& variants, const StockLedger& ledger) {
  // The catalogue's service looks variants up by id but cannot list them,
  // so this development seed reads the ids from the catalogue's table.
  std::vector<std::string> ids;
  for (const Row& r : tx.query("SELECT v.id FROM catalog_variants v WHERE NOT EXISTS "
                               "(SELECT 1 FROM inventory_levels l WHERE l.variant_id = v.id) ORDER BY v.id"))
    ids.push_back(r.text("id"));
  if (ids.empty()) return 0;
  const long long now = ledger.nowMs();
  int created = 0;
  for (const auto& v : variants.lookup(tx, ids)) {
    const long long quantity = demoQuantity(v.id);
    // Another instance seeding at the same time: its row wins, this one skips.
    if (tx.exec("INSERT INTO inventory_levels (variant_id, on_hand, reserved, version, unit_cost, updated_at) "
                "VALUES (:v, :q, 0, 1, :cost, :now) ON CONFLICT (variant_id) DO NOTHING",
                {v.id, quantity, static_cast<long long>(v.price * 55 / 100), now}) == 0)
      continue;
    Level after{v.id, quantity, 0, 1, std::nullopt, static_cast<long long>(v.price * 55 / 100), now};
    ledger.record(tx, {LevelChange{after, quantity, 0, 0}}, Movement{MovementKind::Adjust, "demo stock", "system", ""});
    ++created;
  }
  return created;
}

}  // namespace agape::inventory
