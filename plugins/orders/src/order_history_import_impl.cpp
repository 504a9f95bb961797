#include "order_history_import_impl.h"

#include <agape/db.h>
#include <agape/events.h>
#include <agape/json.h>

#include "order_book.h"

namespace agape::orders {
namespace {

// An imported order's number: its sequence in base 32 as the tail.
std::string numberOf(const std::string& prefix, long long createdMs, int sequence) {
  std::string tail(6, '0');
  for (int i = 5, n = sequence; i >= 0; --i, n /= 32) tail[i] = kCrockford[n % 32];
  return orderNumber(prefix, createdMs, tail);
}

}  // namespace

bool OrderHistoryImportImpl::hasOrders(Tx& tx) const {
  return tx.one("SELECT id FROM orders_orders LIMIT 1").has_value();
}

void OrderHistoryImportImpl::add(Tx& tx, const std::vector<ImportedOrder>& orders) const {
  for (const ImportedOrder& o : orders) {
    tx.exec("INSERT INTO orders_orders (id, number, user_id, status, currency, subtotal, discount, shipping, tax, "
            "total, tax_inclusive, shipping_method, shipping_address, coupon_code, reservation_expires_at, "
            "tracking_number, version, created_at, updated_at, refund_status, refunded_amount) VALUES (:id, "
            ":number, :user, :status, :currency, :subtotal, 0, :shipping, 0, :total, 1, 'standard', :address, "
            "NULL, :expires, NULL, :version, :created, :updated, :refundStatus, :refunded)",
            {{"id", o.id}, {"number", numberOf(numberPrefix_, o.createdAtMs, o.sequence)}, {"user", o.userId},
             {"status", std::string(orderStatusName(o.status))}, {"currency", o.currency}, {"subtotal", o.subtotal}, {"shipping", o.shipping},
             {"total", o.total}, {"address", o.shippingAddressJson}, {"expires", o.reservationExpiresAtMs},
             {"version", static_cast<long long>(o.version)}, {"created", o.createdAtMs},
             {"updated", o.updatedAtMs}, {"refundStatus", o.refundStatus ? std::optional<std::string>(refundStateName(*o.refundStatus)) : std::nullopt}, {"refunded", o.refundedAmount}});
    for (std::size_t l = 0; l < o.lines.size(); ++l) {
      const ImportedOrderLine& line = o.lines[l];
      tx.exec("INSERT INTO orders_items (order_id, line, variant_id, product_id, sku, product_name, size, color, "
              "quantity, unit_price, line_total) VALUES (:order, :line, :variant, :product, :sku, :name, :size, "
              ":color, :q, :price, :total)",
              {{"order", o.id}, {"line", static_cast<long long>(l + 1)}, {"variant", line.variantId},
               {"product", line.productId}, {"sku", line.sku}, {"name", line.productName}, {"size", line.size},
               {"color", line.color}, {"q", line.quantity}, {"price", line.unitPrice},
               {"total", line.quantity * line.unitPrice}});
    }
  }
}

void OrderHistoryImportImpl::finish(Database& db, int count, long long fromMs, long long toMs) const {
  db.run([&](Tx& tx) {
    events_.publish("orders.seeded", Json{{"orders", count}, {"fromMs", fromMs}, {"toMs", toMs}}.dump(), tx);
  });
  if (db.dialect() == Dialect::Postgres) db.run([](Tx& tx) { tx.exec("ANALYZE orders_orders, orders_items"); });
}

}  // namespace agape::orders
