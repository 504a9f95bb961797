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
  const long long now = ledger.nowMs();
  int created = 0;
  std::string after;
  for (;;) {
    const auto page = variants.page(tx, after, 500);
    if (page.empty()) break;
    after = page.back().id;
    for (const auto& v : page) {
      const long long quantity = demoQuantity(v.id);
      const long long cost = v.price * 55 / 100;
      // Stocked already (an earlier start, or another instance seeding at
      // the same time): that row stays, this one is skipped.
      if (tx.exec("INSERT INTO inventory_levels (variant_id, on_hand, reserved, version, unit_cost, updated_at) "
                  "VALUES (:v, :q, 0, 1, :cost, :now) ON CONFLICT (variant_id) DO NOTHING",
                  {{"v", v.id}, {"q", quantity}, {"cost", cost}, {"now", now}}) == 0)
        continue;
      Level level{v.id, quantity, 0, 1, std::nullopt, cost, now};
      ledger.record(tx, {LevelChange{level, quantity, 0, 0}}, Movement{MovementKind::Adjust, "demo stock", "system", ""});
      ++created;
    }
  }
  return created;
}

}  // namespace agape::inventory
