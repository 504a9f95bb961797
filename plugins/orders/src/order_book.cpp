#include "order_book.h"

#include <algorithm>
#include <ctime>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>

#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/problem.h>

namespace agape::orders {
namespace {

constexpr const char* kOrderColumns =
    "SELECT id, number, user_id, status, currency, subtotal, discount, shipping, tax, total, tax_inclusive, "
    "shipping_method, shipping_address, coupon_code, reservation_expires_at, tracking_number, refund_status, "
    "refunded_amount, version, created_at, updated_at FROM orders_orders ";

Status statusOf(const Row& r) {
  const auto s = parseStatus(r.text("status"));
  if (!s) throw std::runtime_error("orders: unknown status in the database: " + r.text("status"));
  return *s;
}

OrderLine lineOf(const Row& r) {
  return OrderLine{r.text("variant_id"), r.text("product_id"), r.text("sku"),          r.text("product_name"),
                   r.optText("size"),    r.optText("color"),    r.integer("quantity"), r.integer("unit_price"),
                   r.integer("line_total")};
}

std::string joinNames(const std::vector<Status>& statuses) {
  std::string out;
  for (Status s : statuses) out += (out.empty() ? "" : ", ") + std::string(statusName(s));
  return out.empty() ? "none (it is final)" : out;
}

}  // namespace

std::string orderNumber(const std::string& prefix, long long epochMs, std::string_view tail) {
  const std::time_t secs = static_cast<std::time_t>(epochMs / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[32];
  std::snprintf(date, sizeof date, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
  return prefix + "-" + date + "-" + std::string(tail);
}

std::string OrderBook::newNumber(long long nowMs) const {
  std::string tail;
  for (unsigned char b : randomBytes(6)) tail += kCrockford[b % 32];
  return orderNumber(config_.numberPrefix, nowMs, tail);
}

Order OrderBook::place(Tx& tx, const PlaceInput& in) {
  if (!carts_ || !stock_ || !coupons_) throw std::logic_error("orders: cart, stock and coupons were not set at validate");
  const long long now = nowMs();
  // The caller's cart is locked first (a user has one cart, so one user's
  // checkouts queue there): under that lock the count of pending orders
  // cannot miss one another checkout is committing.
  const auto cart = carts_->checkout(tx, in.userId);
  refuseOverPendingCap(tx, in.userId);
  if (!cart || cart->lines.empty())
    throw Problem(422, "cart_empty", "Your cart is empty: add items before placing an order.");
  std::vector<FieldError> unavailable;
  for (std::size_t i = 0; i < cart->lines.size(); ++i)
    if (!cart->lines[i].purchasable)
      unavailable.push_back({"items[" + std::to_string(i) + "]", cart->lines[i].productName + " (" + cart->lines[i].sku +
                                                                      ") is no longer on sale; remove it from the cart"});
  if (!unavailable.empty())
    throw Problem(422, "not_purchasable", "Some items in your cart are no longer on sale.", std::move(unavailable));
  const cart::Totals totals = carts_->totals(tx, *cart, in.couponCode, in.shippingMethod);

  const std::string id = uuidV7(now);
  std::vector<inventory::StockItem> items;
  for (const auto& l : cart->lines) items.push_back({l.variantId, l.quantity});
  // Out of stock: a Problem naming the variants, and nothing written.
  const inventory::Reservation hold =
      stock_->reserve(tx, holderOf(id), items, std::chrono::duration_cast<std::chrono::seconds>(config_.reservationTtl));
  const long long expiresAt = epochMs(hold.expiresAt);
  const std::string number = newNumber(now);
  // Six random characters a day: two orders can draw the same number. The
  // whole transaction then runs again (the kernel retries Retryable), with
  // a new one.
  const long long inserted = tx.exec(
      "INSERT INTO orders_orders (id, number, user_id, status, currency, subtotal, discount, shipping, tax, total, "
      "tax_inclusive, shipping_method, shipping_address, coupon_code, reservation_expires_at, tracking_number, "
      "version, created_at, updated_at) VALUES (:id, :number, :user, 'pending', :currency, :subtotal, :discount, "
      ":shipping, :tax, :total, :incl, :method, :address, :coupon, :expires, NULL, 1, :now, :now) "
      "ON CONFLICT (number) DO NOTHING",
      {{"id", id}, {"number", number}, {"user", in.userId}, {"currency", totals.currency},
       {"subtotal", totals.subtotal}, {"discount", totals.discount}, {"shipping", totals.shipping},
       {"tax", totals.tax}, {"total", totals.total}, {"incl", totals.taxInclusive},
       {"method", totals.shippingMethod}, {"address", addressSchema().encode(in.shippingAddress)},
       {"coupon", totals.couponCode}, {"expires", expiresAt}, {"now", now}});
  if (inserted == 0) throw DbError(DbError::Kind::Retryable, "order number " + number + " is taken");
  // Every line in one statement (placeholders generated, never values).
  std::string rows;
  Params lineParams{{"order", id}};
  Order order;
  for (std::size_t i = 0; i < cart->lines.size(); ++i) {
    const auto& l = cart->lines[i];
    const std::string n = std::to_string(i);
    rows += std::string(i ? ", " : "") + "(:order, :line" + n + ", :variant" + n + ", :product" + n + ", :sku" + n +
            ", :name" + n + ", :size" + n + ", :color" + n + ", :q" + n + ", :price" + n + ", :total" + n + ")";
    lineParams.emplace_back("line" + n, static_cast<long long>(i + 1));
    lineParams.emplace_back("variant" + n, l.variantId);
    lineParams.emplace_back("product" + n, l.productId);
    lineParams.emplace_back("sku" + n, l.sku);
    lineParams.emplace_back("name" + n, l.productName);
    lineParams.emplace_back("size" + n, l.size);
    lineParams.emplace_back("color" + n, l.color);
    lineParams.emplace_back("q" + n, l.quantity);
    lineParams.emplace_back("price" + n, l.currentPrice);
    lineParams.emplace_back("total" + n, l.lineTotal);
    order.items.push_back(OrderLine{l.variantId, l.productId, l.sku, l.productName, l.size, l.color, l.quantity,
                                    l.currentPrice, l.lineTotal});
  }
  tx.execLater("INSERT INTO orders_items (order_id, line, variant_id, product_id, sku, product_name, size, color, "
               "quantity, unit_price, line_total) VALUES " + rows,
               lineParams);
  // The coupon's use is taken now, atomically: of concurrent orders only as
  // many as its limit allows get one.
  if (totals.couponCode) coupons_->redeem(tx, *totals.couponCode, in.userId, id, totals.discount);
  carts_->clearCheckedOut(tx, cart->id);
  // The order as written, without reading it back.
  order.id = id;
  order.number = number;
  order.userId = in.userId;
  order.status = Status::Pending;
  order.totals = {totals.subtotal, totals.discount, totals.shipping, totals.tax,
                  totals.total,    totals.currency, totals.taxInclusive};
  order.shippingMethod = totals.shippingMethod;
  order.shippingAddress = in.shippingAddress;
  order.couponCode = totals.couponCode;
  order.reservationExpiresAt = Timestamp{expiresAt};
  order.version = 1;
  order.createdAt = order.updatedAt = Timestamp{now};
  events_.publish(tx, OrderCreated{.orderId = id, .number = number, .userId = in.userId, .total = totals.total,
                                   .currency = totals.currency});
  audit_.record(in.userId, "order.create", "order", id,
                Json{{"number", number}, {"total", totals.total}, {"items", cart->lines.size()}}.dump(), tx);
  return order;
}

void OrderBook::refuseOverPendingCap(Tx& tx, const std::string& userId) const {
  const int cap = config_.maxPendingOrders;
  if (cap == 0) return;
  const long long now = nowMs();
  // Only live holds count: a pending order whose hold lapsed keeps no stock,
  // even before the expiry sweep marks it expired.
  const auto row = tx.one(
      "SELECT COUNT(*) AS n, MIN(reservation_expires_at) AS first_expiry FROM orders_orders "
      "WHERE user_id = :user AND status = 'pending' AND reservation_expires_at > :now",
      {{"user", userId}, {"now", now}});
  const long long pending = row ? row->integer("n") : 0;
  if (pending < cap) return;
  const long long retryAfter = std::max<long long>(1, (row->integer("first_expiry") - now + 999) / 1000);
  throw Problem(429, "too_many_pending_orders",
                "You have " + std::to_string(pending) + " unpaid orders holding stock, the most allowed at once: pay "
                "or cancel one of them to place another (or wait " + std::to_string(retryAfter) +
                " s for the oldest to expire).")
      .withHeader("Retry-After", std::to_string(retryAfter));
}

std::vector<Order> OrderBook::render(Tx& tx, const std::vector<Row>& orders) const {
  std::vector<Order> out;
  if (orders.empty()) return out;
  std::map<std::string, std::size_t> index;
  std::vector<std::string> orderIds;
  for (const auto& o : orders) {
    Order order;
    order.id = o.text("id");
    order.number = o.text("number");
    order.userId = o.text("user_id");
    order.status = statusOf(o);
    order.totals = {o.integer("subtotal"), o.integer("discount"), o.integer("shipping"), o.integer("tax"),
                    o.integer("total"),    o.text("currency"),    o.integer("tax_inclusive") != 0};
    order.shippingMethod = o.text("shipping_method");
    try {
      order.shippingAddress = addressSchema(true).decode(o.text("shipping_address"));
    } catch (const Problem&) {
      throw std::runtime_error("orders: the stored delivery address of order " + order.id + " does not read");
    }
    order.couponCode = o.optText("coupon_code");
    if (order.status == Status::Pending) order.reservationExpiresAt = Timestamp{o.integer("reservation_expires_at")};
    order.trackingNumber = o.optText("tracking_number");
    if (!o.isNull("refund_status")) {
      const auto status = refundStateNames().find(o.text("refund_status"));
      if (!status) throw std::runtime_error("orders: unknown refund status in the database: " + o.text("refund_status"));
      order.refund = OrderRefund{*status, o.integer("refunded_amount")};
    }
    order.version = o.integer("version");
    order.createdAt = Timestamp{o.integer("created_at")};
    order.updatedAt = Timestamp{o.integer("updated_at")};
    index[order.id] = out.size();
    orderIds.push_back(order.id);
    out.push_back(std::move(order));
  }
  Params ids;
  const std::string in = inList(ids, "o", orderIds);
  for (const auto& r : tx.query("SELECT order_id, variant_id, product_id, sku, product_name, size, color, quantity, "
                                "unit_price, line_total FROM orders_items WHERE order_id IN (" + in +
                                    ") ORDER BY order_id, line",
                                ids))
    out[index[r.text("order_id")]].items.push_back(lineOf(r));
  return out;
}

std::optional<Order> OrderBook::get(Tx& tx, const std::string& id) const {
  auto row = tx.one(std::string(kOrderColumns) + "WHERE id = :id", {{"id", id}});
  if (!row) return std::nullopt;
  return std::move(render(tx, {*row}).at(0));
}

Page<Order> OrderBook::list(Tx& tx, const ListFilter& f) const {
  std::string where = "WHERE 1 = 1";
  Params params;
  if (f.userId) {
    where += " AND user_id = :user";
    params.emplace_back("user", *f.userId);
  }
  if (f.status) {
    where += " AND status = :status";
    params.emplace_back("status", statusName(*f.status));
  }
  if (f.fromMs) {
    where += " AND created_at >= :from";
    params.emplace_back("from", *f.fromMs);
  }
  if (f.toMs) {
    where += " AND created_at < :to";
    params.emplace_back("to", *f.toMs);
  }
  const long long total = tx.one("SELECT COUNT(*) AS n FROM orders_orders " + where, params)->integer("n");
  Params pageParams = params;
  pageParams.emplace_back("limit", static_cast<long long>(f.limit));
  pageParams.emplace_back("offset", static_cast<long long>(f.page - 1) * f.limit);
  const auto rows = tx.query(std::string(kOrderColumns) + where +
                                 " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                             pageParams);
  return Page<Order>(render(tx, rows), f.page, f.limit, total);
}

OrderStats OrderBook::stats(Tx& tx, const StatsQuery& q) const {
  // Revenue: orders whose money was taken, less what was given back.
  static const std::set<std::string> kRevenue = {"paid", "processing", "shipped", "delivered"};
  constexpr long long kDayMs = 86'400'000;
  std::map<std::string, std::pair<long long, long long>> byStatus;  // status → (count, total)
  std::map<std::string, long long> kept;                            // status → total less refunds
  std::map<std::string, std::pair<long long, long long>> series;    // period start → (orders, revenue)
  std::string currency;
  for (const auto& r : tx.query("SELECT created_at / 86400000 AS day, status, currency, COUNT(*) AS n, SUM(total) AS total, "
                                "SUM(total - refunded_amount) AS kept "
                                "FROM orders_orders WHERE created_at >= :from AND created_at < :to "
                                "GROUP BY created_at / 86400000, status, currency",
                                {{"from", q.fromMs}, {"to", q.toMs}})) {
    const std::string status = r.text("status");
    auto& s = byStatus[status];
    s.first += r.integer("n");
    s.second += r.integer("total");
    kept[status] += r.integer("kept");
    currency = r.text("currency");
    // The period's first day, as the series' key.
    const long long day = r.integer("day");
    const std::chrono::sys_days d{std::chrono::days{day}};
    std::chrono::sys_days start = d;
    if (q.period == Period::Week) {
      start = d - (std::chrono::weekday{d} - std::chrono::Monday);
    } else if (q.period == Period::Month) {
      const std::chrono::year_month_day ymd{d};
      start = std::chrono::sys_days{ymd.year() / ymd.month() / 1};
    }
    auto& p = series[rfc3339(start.time_since_epoch().count() * kDayMs).substr(0, 10)];
    p.first += r.integer("n");
    if (kRevenue.count(status)) p.second += r.integer("kept");
  }
  OrderStats out;
  out.from = Timestamp{q.fromMs};
  out.to = Timestamp{q.toMs};
  if (!currency.empty()) out.currency = currency;
  for (const auto& name : statusNames()) {
    const auto it = byStatus.find(name);
    const long long n = it == byStatus.end() ? 0 : it->second.first;
    const long long total = it == byStatus.end() ? 0 : it->second.second;
    out.byStatus[name] = {n, total};
    out.orders += n;
    if (kRevenue.count(name)) {
      out.revenue += kept[name];
      out.paidOrders += n;
    }
  }
  out.averageOrderValue = out.paidOrders ? (out.revenue + out.paidOrders / 2) / out.paidOrders : 0;
  out.period = q.period;
  for (const auto& [start, v] : series) out.series.push_back({start, v.first, v.second});
  return out;
}

Order OrderBook::change(Tx& tx, const std::string& id, const Change& c) {
  const auto row = tx.one(std::string(kOrderColumns) + "WHERE id = :id" + forUpdate(tx), {{"id", id}});
  if (!row) throw Problem::notFound("No order with this id.");
  if (!transition(tx, *row, c))
    throw Problem(409, "reservation_expired",
                  "The order's stock reservation has lapsed; it cannot be paid (refund the payment).");
  return *get(tx, id);
}

bool OrderBook::transition(Tx& tx, const Row& order, const Change& c) {
  const std::string id = order.text("id");
  const Status from = statusOf(order);
  const long long version = order.integer("version");
  if (c.expectedVersion && *c.expectedVersion != version)
    throw Problem(409, "version_conflict",
                  "The order changed since version " + std::to_string(*c.expectedVersion) + "; it is now at version " +
                      std::to_string(version) + ".",
                  {{"version", "is " + std::to_string(version) + " now"}});
  if (!canTransition(from, c.to))
    throw Problem(409, "invalid_transition",
                  std::string("An order that is ") + statusName(from) + " cannot become " + statusName(c.to) +
                      "; it can become: " + joinNames(nextStatuses(from)) + ".",
                  {{"status", std::string("cannot go from ") + statusName(from) + " to " + statusName(c.to)}});

  // A cancelled order becomes refunded only when its payment's refund went
  // through (refundChanged), never by hand.
  if (from == Status::Cancelled && order.optText("refund_status") != refundStateName(RefundState::Refunded))
    throw Problem(409, "invalid_transition",
                  "A cancelled order becomes refunded when its payment's refund goes through, not by hand.",
                  {{"status", "cannot go from cancelled to refunded"}});

  const inventory::Holder holder = holderOf(id);
  if (c.to == Status::Paid && !stock_->commit(tx, holder)) return false;
  // A pending order's held stock goes back; a paid one's sold units return
  // to the shelf (a `return` movement naming the order; payments refunds the
  // money on order.cancelled). Its coupon use goes back too.
  if (from == Status::Pending && (c.to == Status::Cancelled || c.to == Status::Expired)) {
    stock_->release(tx, holder);
    coupons_->release(tx, id);
  }
  if ((from == Status::Paid || from == Status::Processing) && c.to == Status::Cancelled) {
    stock_->restock(tx, holder);
    coupons_->release(tx, id);
  }

  const long long now = nowMs();
  tx.execLater("UPDATE orders_orders SET status = :status, version = version + 1, updated_at = :now, "
               "tracking_number = COALESCE(:tracking, tracking_number) WHERE id = :id",
               {{"status", statusName(c.to)}, {"now", now}, {"tracking", c.trackingNumber}, {"id", id}});
  Json details{{"from", statusName(from)}, {"to", statusName(c.to)}};
  if (c.trackingNumber) details["trackingNumber"] = *c.trackingNumber;
  if (c.reason) details["reason"] = *c.reason;
  if (c.reference) details["reference"] = *c.reference;
  publishStatusChange(tx, OrderStatusChange{.orderId = id,
                                            .number = order.text("number"),
                                            .userId = order.text("user_id"),
                                            .total = order.integer("total"),
                                            .currency = order.text("currency"),
                                            .actor = c.actor,
                                            .from = from,
                                            .to = c.to,
                                            .trackingNumber = c.trackingNumber,
                                            .reason = c.reason,
                                            .reference = c.reference});
  audit_.record(c.actor, std::string("order.") + statusName(c.to), "order", id, details.dump(), tx);
  return true;
}

void OrderBook::publishStatusChange(Tx& tx, const OrderStatusChange& change) const {
  switch (change.to) {
    case Status::Paid: events_.publish(tx, OrderPaid{change}); return;
    case Status::Processing: events_.publish(tx, OrderProcessing{change}); return;
    case Status::Shipped: events_.publish(tx, OrderShipped{change}); return;
    case Status::Delivered: events_.publish(tx, OrderDelivered{change}); return;
    case Status::Cancelled: events_.publish(tx, OrderCancelled{change}); return;
    case Status::Expired: events_.publish(tx, OrderExpired{change}); return;
    case Status::Refunded: events_.publish(tx, OrderRefunded{change}); return;
    case Status::Pending: break;
  }
  throw std::logic_error("no order goes back to pending");
}

bool OrderBook::expireHeld(Tx& tx, const inventory::Holder& holder) {
  if (holder.kind != kHolderKind) return false;
  const std::string& id = holder.id;
  const auto s = find(tx, id);
  if (!s || s->status != Status::Pending) return false;
  change(tx, id, Change{.to = Status::Expired, .actor = "system", .reason = "the stock reservation expired"});
  return true;
}

long long OrderBook::purgeIdempotencyKeys(Tx& tx) const {
  return tx.exec("DELETE FROM orders_idempotency WHERE created_at < :before",
                 {{"before", nowMs() - static_cast<long long>(config_.idempotencyKeyTtl.count())}});
}

std::optional<OrderSummary> OrderBook::find(Tx& tx, const std::string& orderId) const {
  auto r = tx.one("SELECT id, number, user_id, status, total, currency, version FROM orders_orders WHERE id = :id",
                  {{"id", orderId}});
  if (!r) return std::nullopt;
  return OrderSummary{r->text("id"), r->text("number"), r->text("user_id"), statusOf(*r),
                      r->integer("total"), r->text("currency"), r->integer("version")};
}

namespace {
constexpr const char* kRecordColumns =
    "SELECT id, number, user_id, status, total, currency, version, created_at, refunded_amount FROM orders_orders ";
}

std::vector<OrderRecord> OrderBook::records(Tx& tx, const std::vector<std::string>& ids) const {
  if (ids.empty()) return {};
  Params params;
  const std::string in = inList(params, "o", ids);
  return recordsOf(tx, tx.query(std::string(kRecordColumns) + "WHERE id IN (" + in + ")", params));
}

std::vector<OrderRecord> OrderBook::walk(Tx& tx, const OrderWalk& w) const {
  // Keyset paging on (created_at, id), the orders_orders_created index: a
  // row comparison both databases search the index with. The lines come in
  // a second query by order id: joined, PostgreSQL misjudges the page's size
  // and hashes the whole orders_items table for every page.
  return recordsOf(tx, tx.query(std::string(kRecordColumns) +
                                    "WHERE created_at >= :from AND created_at < :to AND (created_at, id) > (:after, "
                                    ":afterId) ORDER BY created_at, id LIMIT :limit",
                                {{"from", w.fromMs}, {"to", w.toMs}, {"after", w.afterCreatedAt},
                                 {"afterId", w.afterId}, {"limit", static_cast<long long>(w.limit)}}));
}

std::vector<OrderRecord> OrderBook::recordsOf(Tx& tx, const std::vector<Row>& rows) const {
  std::vector<OrderRecord> out;
  if (rows.empty()) return out;
  std::map<std::string, std::size_t> index;
  std::vector<std::string> orderIds;
  for (const auto& r : rows) {
    OrderRecord rec;
    rec.order = OrderSummary{r.text("id"), r.text("number"), r.text("user_id"), statusOf(r),
                             r.integer("total"), r.text("currency"), r.integer("version")};
    rec.createdAt = r.integer("created_at");
    rec.refunded = r.integer("refunded_amount");
    index[rec.order.id] = out.size();
    orderIds.push_back(rec.order.id);
    out.push_back(std::move(rec));
  }
  Params ids;
  const std::string in = inList(ids, "o", orderIds);
  for (const auto& r : tx.query("SELECT order_id, variant_id, product_id, sku, product_name, size, color, quantity, "
                                "unit_price, line_total FROM orders_items WHERE order_id IN (" + in +
                                    ") ORDER BY order_id, line",
                                ids))
    out[index[r.text("order_id")]].lines.push_back(lineOf(r));
  return out;
}

PaidResult OrderBook::markPaid(Tx& tx, const std::string& orderId, const std::string& reference,
                               const std::string& actor) {
  // Locked first: a second confirmation of the same order waits here and
  // then finds it paid.
  const auto row = tx.one(std::string(kOrderColumns) + "WHERE id = :id" + forUpdate(tx), {{"id", orderId}});
  if (!row) return PaidResult::NotPayable;
  const Status status = statusOf(*row);
  if (status == Status::Cancelled || status == Status::Expired || status == Status::Refunded)
    return PaidResult::NotPayable;
  if (status != Status::Pending) return PaidResult::AlreadyPaid;
  // Not paid when the hold lapsed (the expiry sweep got there first): the
  // stock may be sold to someone else, so this payment must be refunded.
  return transition(tx, *row, Change{.to = Status::Paid, .actor = actor, .reference = reference})
             ? PaidResult::Paid
             : PaidResult::NotPayable;
}

void OrderBook::refundChanged(Tx& tx, const std::string& orderId, const RefundProgress& p, const std::string& actor) {
  const auto row =
      tx.one("SELECT status FROM orders_orders WHERE id = :id" + forUpdate(tx), {{"id", orderId}});
  if (!row) return;
  tx.exec("UPDATE orders_orders SET refund_status = :status, refunded_amount = :amount, version = version + 1, "
          "updated_at = :now WHERE id = :id",
          {{"status", std::string(refundStateName(p.status))}, {"amount", p.refunded}, {"now", nowMs()}, {"id", orderId}});
  events_.publish(tx, OrderRefundChanged{
                          .orderId = orderId, .refundStatus = p.status, .refunded = p.refunded});
  if (p.status == RefundState::Refunded && canTransition(statusOf(*row), Status::Refunded))
    change(tx, orderId, Change{.to = Status::Refunded, .actor = actor, .reason = "payment refunded in full",
                               .reference = p.reference});
}

}  // namespace agape::orders
