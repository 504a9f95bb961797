#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

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
  // The TrueType font invoices are written in (embedded): it must have the
  // naira sign and the letters of the customers' names (Debian's
  // fonts-dejavu-core by default).
  std::string invoiceFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  // Where invoices are kept when the media plugin is not enabled ("":
  // <dataDir>/invoices).
  std::string invoiceDirectory;
  // Render each invoice when its order is paid (ready when first asked
  // for); false: at its first request. One instance renders ~70 a second.
  bool renderInvoicesWhenPaid = true;
  // Pending orders one customer may hold stock with at once: one more is 429
  // `too_many_pending_orders`, so that no account can hold every unit by
  // placing orders it never pays (0: no cap).
  int maxPendingOrders = 3;
  // Orders only from customers who verified their email address (403
  // `email_not_verified`). Unset: on in production, off otherwise.
  std::optional<bool> requireVerifiedEmail;
};

// Strict decode of the `orders:` section; throws agape::ConfigError.
OrdersConfig decodeOrdersConfig(const ConfigView& section);

// requireVerifiedEmail as set, else as the environment ("production": on).
bool verifiedEmailRequired(const OrdersConfig& config, std::string_view environment);

}  // namespace agape::orders
