#include "order_wire.h"

#include <cctype>

namespace agape::orders {
namespace {

std::string phoneProblem(const std::string& phone) {
  for (std::size_t i = 0; i < phone.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(phone[i])) && !(i == 0 && phone[i] == '+') && phone[i] != ' ')
      return "must be digits, optionally after a +";
  return "";
}

std::string countryProblem(const std::string& c) {
  const auto upper = [](char ch) { return std::isupper(static_cast<unsigned char>(ch)) != 0; };
  return c.size() == 2 && upper(c[0]) && upper(c[1]) ? "" : "must be an ISO 3166-1 alpha-2 code such as NG";
}

Schema<Address> makeAddressSchema(bool stored) {
  const auto rules = [stored](Rules r) { return stored ? Rules{.optional = r.optional, .omitWhenNull = true, .description = r.description} : r; };
  return Schema<Address>()
      .field("fullName", &Address::fullName, rules({.minLength = 1, .maxLength = 100}))
      .field("phone", &Address::phone, rules({.minLength = 7, .maxLength = 20, .verify = phoneProblem}))
      .field("line1", &Address::line1, rules({.minLength = 1, .maxLength = 200}))
      .field("line2", &Address::line2, rules({.optional = true, .omitWhenNull = true, .maxLength = 200}))
      .field("city", &Address::city, rules({.minLength = 1, .maxLength = 100}))
      .field("state", &Address::state, rules({.minLength = 1, .maxLength = 100}))
      .field("country", &Address::country,
             rules({.optional = true, .verify = countryProblem, .description = "ISO 3166-1 alpha-2, default NG"}))
      .field("postalCode", &Address::postalCode, rules({.optional = true, .omitWhenNull = true, .maxLength = 20}));
}

// A value and its name, from the one function that names it.
}  // namespace

const Names<Period>& periodNames() {
  static const Names<Period> names{{Period::Day, "day"}, {Period::Week, "week"}, {Period::Month, "month"}};
  return names;
}

const Schema<Address>& addressSchema(bool stored) {
  static const Schema<Address> given = makeAddressSchema(false), read = makeAddressSchema(true);
  return stored ? read : given;
}

const Schema<Order>& orderSchema() {
  static const Schema<Order> schema = [] {
    const auto line = Schema<OrderLine>()
                          .field("variantId", &OrderLine::variantId)
                          .field("productId", &OrderLine::productId)
                          .field("sku", &OrderLine::sku)
                          .field("productName", &OrderLine::productName)
                          .field("size", &OrderLine::size)
                          .field("color", &OrderLine::color)
                          .field("quantity", &OrderLine::quantity)
                          .field("unitPrice", &OrderLine::unitPrice, {.description = "minor units"})
                          .field("lineTotal", &OrderLine::lineTotal);
    const auto totals = Schema<OrderTotals>()
                            .field("subtotal", &OrderTotals::subtotal)
                            .field("discount", &OrderTotals::discount)
                            .field("shipping", &OrderTotals::shipping)
                            .field("tax", &OrderTotals::tax)
                            .field("total", &OrderTotals::total)
                            .field("currency", &OrderTotals::currency)
                            .field("taxInclusive", &OrderTotals::taxInclusive);
    const auto refund = Schema<OrderRefund>("the refund of the payment that paid it")
                            .field("status", &OrderRefund::status, refundStateNames())
                            .field("amount", &OrderRefund::amount, {.description = "minor units given back so far"});
    return Schema<Order>()
        .field("id", &Order::id)
        .field("number", &Order::number)
        .field("userId", &Order::userId)
        .field("status", &Order::status, orderStatusNames())
        .field("items", &Order::items, line)
        .field("totals", &Order::totals, totals)
        .field("shippingMethod", &Order::shippingMethod)
        .field("shippingAddress", &Order::shippingAddress, addressSchema(true))
        .field("couponCode", &Order::couponCode)
        .field("reservationExpiresAt", &Order::reservationExpiresAt,
               {.description = "while pending: when the stock hold lapses"})
        .field("trackingNumber", &Order::trackingNumber)
        .field("refund", &Order::refund, refund)
        .field("version", &Order::version)
        .field("createdAt", &Order::createdAt)
        .field("updatedAt", &Order::updatedAt);
  }();
  return schema;
}

const Schema<OrderStats>& orderStatsSchema() {
  static const Schema<OrderStats> schema = [] {
    const auto count = Schema<StatusCount>().field("count", &StatusCount::count).field("total", &StatusCount::total);
    const auto point = Schema<PeriodPoint>()
                           .field("periodStart", &PeriodPoint::periodStart, {.format = "date"})
                           .field("orders", &PeriodPoint::orders)
                           .field("revenue", &PeriodPoint::revenue);
    return Schema<OrderStats>()
        .field("from", &OrderStats::from)
        .field("to", &OrderStats::to)
        .field("currency", &OrderStats::currency)
        .field("orders", &OrderStats::orders)
        .field("revenue", &OrderStats::revenue)
        .field("paidOrders", &OrderStats::paidOrders)
        .field("averageOrderValue", &OrderStats::averageOrderValue)
        .field("byStatus", &OrderStats::byStatus, count, {.description = "every status: its orders and their totals"})
        .field("period", &OrderStats::period, periodNames())
        .field("series", &OrderStats::series, point);
  }();
  return schema;
}

}  // namespace agape::orders
