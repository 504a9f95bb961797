#include "demo_stock.h"

#include <cstdint>

namespace agape::demo {

long long demoQuantity(const std::string& variantId) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across runs and platforms
  for (unsigned char c : variantId) h = (h ^ c) * 1099511628211ULL;
  const auto r = static_cast<long long>(h % 100);
  if (r < 8) return 0;
  if (r < 20) return 1 + r % 4;
  return 5 + static_cast<long long>((h / 100) % 36);
}

int seedDemoStock(Tx& tx, const catalog::VariantDirectory& variants, const inventory::OpeningStock& stock) {
  int created = 0;
  std::string after;
  for (;;) {
    const auto page = variants.page(tx, after, 500);
    if (page.empty()) break;
    after = page.back().id;
    for (const auto& v : page)
      if (stock.open(tx, v.id, demoQuantity(v.id), v.price * 55 / 100, "demo stock")) ++created;
  }
  return created;
}

}  // namespace agape::demo
