#include "inventory_config.h"

namespace agape::inventory {

InventoryConfig decodeInventoryConfig(const ConfigView& section) {
  InventoryConfig c;
  ConfigDecoder d(section);
  c.reservationTtl = d.duration("reservationTtl", c.reservationTtl);
  c.lowStockThreshold = d.integer("lowStockThreshold", c.lowStockThreshold, 0, 1'000'000);
  c.expiryBatch = d.integer("expiryBatch", c.expiryBatch, 1, 100'000);
  d.finish();
  // Below a minute a checkout cannot complete; above a week stock is lost to
  // abandoned orders.
  if (c.reservationTtl < std::chrono::minutes(1) || c.reservationTtl > std::chrono::hours(24 * 7))
    section.child("reservationTtl")->fail("must be between 1m and 7d");
  return c;
}

}  // namespace agape::inventory
