#pragma once
#include <chrono>

#include <agape/config.h>

namespace agape::inventory {

struct InventoryConfig {
  // How long a reservation holds stock unless the caller gives its own ttl.
  std::chrono::milliseconds reservationTtl = std::chrono::minutes(15);
  // inventory.low_stock fires when available drops below this (per variant
  // when the level sets its own); 0 never fires.
  long long lowStockThreshold = 5;
  // Holds expired per sweep (each in its own transaction); the expiry timer
  // sweeps again at once while a sweep fills its batch.
  long long expiryBatch = 500;
};

// Strict decode of the `inventory:` section; throws agape::ConfigError.
InventoryConfig decodeInventoryConfig(const ConfigView& section);

}  // namespace agape::inventory
