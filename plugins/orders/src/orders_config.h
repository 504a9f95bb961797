#pragma once
#include <chrono>
#include <string>

#include <agape/config.h>

namespace agape::orders {

struct OrdersConfig {
  // Order numbers: "<prefix>-YYMMDD-XXXXXX" (six random Crockford base32 characters).
  std::string numberPrefix = "AG";
  // How long a pending order holds its stock before it expires.
  std::chrono::milliseconds reservationTtl = std::chrono::minutes(15);
  // How long an Idempotency-Key is remembered (a retry after that is a new order).
  std::chrono::milliseconds idempotencyKeyTtl = std::chrono::hours(24);
  // The seller's name on invoices.
  std::string storeName = "Agape Store";
};

// Strict decode of the `orders:` section; throws agape::ConfigError.
OrdersConfig decodeOrdersConfig(const ConfigView& section);

}  // namespace agape::orders
