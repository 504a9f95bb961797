#include "orders_config.h"

#include <cctype>

namespace agape::orders {

OrdersConfig decodeOrdersConfig(const ConfigView& section) {
  OrdersConfig c;
  ConfigDecoder d(section);
  c.numberPrefix = d.string("numberPrefix", c.numberPrefix);
  c.reservationTtl = d.duration("reservationTtl", c.reservationTtl);
  c.idempotencyKeyTtl = d.duration("idempotencyKeyTtl", c.idempotencyKeyTtl);
  c.storeName = d.string("storeName", c.storeName);
  if (auto invoices = d.section("invoices")) {
    ConfigDecoder i(*invoices);
    c.invoiceFont = configPath(*invoices, "font", i.string("font", c.invoiceFont));
    if (const std::string dir = i.string("directory", ""); !dir.empty())
      c.invoiceDirectory = configPath(*invoices, "directory", dir);
    c.renderInvoicesWhenPaid = i.boolean("renderWhenPaid", c.renderInvoicesWhenPaid);
    i.finish();
  }
  c.maxPendingOrders = static_cast<int>(d.integer("maxPendingOrders", c.maxPendingOrders, 0, 100));
  // Left out, it depends on the environment, which only provision knows.
  const bool verified = d.boolean("requireVerifiedEmail", false);
  if (section.child("requireVerifiedEmail")->present()) c.requireVerifiedEmail = verified;
  d.finish();
  bool letters = !c.numberPrefix.empty() && c.numberPrefix.size() <= 6;
  for (unsigned char ch : c.numberPrefix) letters = letters && std::isupper(ch);
  if (!letters) section.child("numberPrefix")->fail("must be 1 to 6 capital letters");
  if (c.storeName.empty() || c.storeName.size() > 80) section.child("storeName")->fail("must be 1 to 80 characters");
  // Below a minute nobody can pay; above a week stock is lost to abandoned orders.
  if (c.reservationTtl < std::chrono::minutes(1) || c.reservationTtl > std::chrono::hours(24 * 7))
    section.child("reservationTtl")->fail("must be between 1m and 7d");
  if (c.idempotencyKeyTtl < std::chrono::hours(1) || c.idempotencyKeyTtl > std::chrono::hours(24 * 30))
    section.child("idempotencyKeyTtl")->fail("must be between 1h and 30d");
  return c;
}

bool verifiedEmailRequired(const OrdersConfig& config, std::string_view environment) {
  return config.requireVerifiedEmail.value_or(environment == "production");
}

}  // namespace agape::orders
