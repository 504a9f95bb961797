#include "sales_book.h"

#include <algorithm>
#include <set>
#include <utility>

namespace agape::admin {
namespace {

const std::vector<std::string>& statuses() {
  static const std::vector<std::string> names = {"pending",   "paid",      "processing", "shipped",
                                                  "delivered", "cancelled", "expired",    "refunded"};
  return names;
}

// What one order adds to the model.
struct Contribution {
  std::string status, currency;
  int day = 0;
  std::int64_t total = 0, refunded = 0, units = 0;
};

void addDaily(Tx& tx, const Contribution& c, int sign) {
  tx.exec("INSERT INTO admin_daily_sales (day, currency, status, orders, gross, refunded, units) "
          "VALUES (:day, :currency, :status, :orders, :gross, :refunded, :units) "
          "ON CONFLICT (day, currency, status) DO UPDATE SET orders = admin_daily_sales.orders + excluded.orders, "
          "gross = admin_daily_sales.gross + excluded.gross, refunded = admin_daily_sales.refunded + excluded.refunded, "
          "units = admin_daily_sales.units + excluded.units",
          {{"day", c.day}, {"currency", c.currency}, {"status", c.status}, {"orders", sign},
           {"gross", sign * c.total}, {"refunded", sign * c.refunded}, {"units", sign * c.units}});
}

// The key of a row of `table` (admin_customers, admin_products) by its
// outside id, made on first sight.
long long keyOf(Tx& tx, const std::string& table, const std::string& column, const std::string& value,
                const std::string& insert, const Params& params) {
  tx.exec(insert, params);
  return tx.one("SELECT id FROM " + table + " WHERE " + column + " = :value",
                {{"value", value}})->integer("id");
}

long long customerKey(Tx& tx, const std::string& userId) {
  return keyOf(tx, "admin_customers", "user_id", userId,
               "INSERT INTO admin_customers (user_id, first_day) VALUES (:user, NULL) ON CONFLICT (user_id) DO NOTHING",
               {{"user", userId}});
}

// Its lines' units and totals in or out of the products' day, by product
// (in product order, so concurrent changes lock rows in the same order).
void addProducts(Tx& tx, int day, const std::vector<orders::OrderLine>& lines, int sign) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> byProduct;
  std::map<std::string, const orders::OrderLine*> firstLine;
  for (const auto& l : lines) {
    auto& p = byProduct[l.productId];
    p.first += l.quantity;
    p.second += l.lineTotal;
    firstLine.emplace(l.productId, &l);
  }
  for (const auto& [product, sold] : byProduct) {
    const orders::OrderLine& l = *firstLine[product];
    const long long key = keyOf(tx, "admin_products", "product_id", product,
                                "INSERT INTO admin_products (product_id, variant_id, name) VALUES (:product, "
                                ":variant, :name) ON CONFLICT (product_id) DO NOTHING",
                                {{"product", product}, {"variant", l.variantId}, {"name", l.productName}});
    tx.exec("INSERT INTO admin_product_sales (day, product, units, revenue) VALUES (:day, :product, :units, :revenue) "
            "ON CONFLICT (day, product) DO UPDATE SET units = admin_product_sales.units + excluded.units, "
            "revenue = admin_product_sales.revenue + excluded.revenue",
            {{"day", day}, {"product", key}, {"units", sign * sold.first}, {"revenue", sign * sold.second}});
  }
}

void addNewCustomer(Tx& tx, int day, int sign) {
  tx.exec("INSERT INTO admin_daily_customers (day, customers) VALUES (:day, :n) ON CONFLICT (day) DO UPDATE SET "
          "customers = admin_daily_customers.customers + excluded.customers",
          {{"day", day}, {"n", sign}});
}

// The customer's first day with a kept order, after this change, and the
// days' new-customer counts with it. The customer's row is locked first:
// two orders of one customer changing at once take turns, and the second
// sees the first's result.
void refreshCustomer(Tx& tx, long long customer) {
  const auto row = tx.one("SELECT first_day FROM admin_customers WHERE id = :customer" + forUpdate(tx),
                          {{"customer", customer}});
  const auto first = tx.one("SELECT MIN(day) AS day FROM admin_orders WHERE customer = :customer AND kept = 1",
                            {{"customer", customer}});
  // The first day as it was (leaving: -1) and as it is now (arriving: +1).
  std::vector<std::pair<int, int>> changes;
  if (row && !row->isNull("first_day")) changes.push_back({static_cast<int>(row->integer("first_day")), -1});
  if (first && !first->isNull("day")) changes.push_back({static_cast<int>(first->integer("day")), +1});
  if (changes.empty() || (changes.size() == 2 && changes[0].first == changes[1].first)) return;
  const bool arrives = changes.back().second > 0;
  tx.exec("UPDATE admin_customers SET first_day = :day WHERE id = :customer",
          {{"day", arrives ? Value(changes.back().first) : Value()}, {"customer", customer}});
  // Lower day first, whichever leaves and which arrives.
  std::sort(changes.begin(), changes.end());
  for (const auto& [day, sign] : changes) addNewCustomer(tx, day, sign);
}

}  // namespace

// Kept orders: their money was taken and kept. isKept and the SQL list say the same.
constexpr const char* kKeptSql = "('paid', 'processing', 'shipped', 'delivered')";

bool SalesBook::isKept(const std::string& status) {
  return status == "paid" || status == "processing" || status == "shipped" || status == "delivered";
}

bool SalesBook::apply(Tx& tx, const orders::OrderRecord& rec) const {
  const orders::OrderSummary& o = rec.order;
  Contribution next{std::string(orders::orderStatusName(o.status)), o.currency, calendar_.dayOf(rec.createdAt), o.total, rec.refunded, 0};
  for (const auto& l : rec.lines) next.units += l.quantity;

  // The order's row, locked: concurrent deliveries of one order's events
  // take turns on it. A first sight writes an empty one (version 0) first.
  const std::string select =
      "SELECT customer, status, currency, day, total, refunded, units, version FROM admin_orders WHERE id = :id" +
      forUpdate(tx);
  auto row = tx.one(select, {{"id", o.id}});
  if (!row) {
    tx.exec("INSERT INTO admin_orders (id, customer, status, kept, currency, day, total, refunded, units, version) "
            "VALUES (:id, :customer, '', 0, :currency, :day, 0, 0, 0, 0) ON CONFLICT (id) DO NOTHING",
            {{"id", o.id}, {"customer", customerKey(tx, o.userId)}, {"currency", o.currency},
             {"day", next.day}});
    row = tx.one(select, {{"id", o.id}});
  }
  if (!row || row->integer("version") >= o.version) return false;
  const long long customer = row->integer("customer");
  const bool known = row->integer("version") > 0;
  const Contribution prev{row->text("status"), row->text("currency"), static_cast<int>(row->integer("day")),
                          row->integer("total"), row->integer("refunded"), row->integer("units")};

  // Daily rows in status order, whichever comes out and goes in.
  std::vector<std::pair<const Contribution*, int>> daily;
  if (known) daily.push_back({&prev, -1});
  daily.push_back({&next, +1});
  std::sort(daily.begin(), daily.end(), [](const auto& a, const auto& b) { return a.first->status < b.first->status; });
  for (const auto& [c, sign] : daily) addDaily(tx, *c, sign);

  const bool wasKept = known && isKept(prev.status);
  const bool nowKept = isKept(next.status);
  // Best sellers are counted in the reports' currency only.
  if (wasKept != nowKept && next.currency == currency_) addProducts(tx, next.day, rec.lines, nowKept ? +1 : -1);

  tx.exec("UPDATE admin_orders SET status = :status, kept = :kept, total = :total, refunded = :refunded, "
          "units = :units, version = :version WHERE id = :id",
          {{"status", next.status}, {"kept", nowKept}, {"total", next.total}, {"refunded", next.refunded},
           {"units", next.units}, {"version", o.version}, {"id", o.id}});
  if (wasKept != nowKept) refreshCustomer(tx, customer);
  return true;
}

void SalesBook::clear(Tx& tx, long long nowMs) const {
  for (const char* table :
       {"admin_orders", "admin_daily_sales", "admin_product_sales", "admin_products", "admin_customers",
        "admin_daily_customers"})
    tx.exec(std::string("DELETE FROM ") + table);
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"builtFor", builtForKey()},
                                    {"rebuiltAt", std::to_string(nowMs)}})
    tx.exec("INSERT INTO admin_report_state (name, value) VALUES (:name, :value) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            {{"name", name}, {"value", value}});
}

std::optional<std::string> SalesBook::builtFor(Tx& tx) const {
  const auto row = tx.one("SELECT value FROM admin_report_state WHERE name = 'builtFor'");
  if (!row) return std::nullopt;
  return row->text("value");
}

long long SalesBook::rebuiltAt(Tx& tx) const {
  const auto row = tx.one("SELECT value FROM admin_report_state WHERE name = 'rebuiltAt'");
  return row ? std::stoll(row->text("value")) : 0;
}

SalesFigures SalesBook::figures(Tx& tx, const DayRange& range) const {
  SalesFigures f;
  for (const auto& s : statuses()) f.ordersByStatus[s] = 0;
  for (const auto& r : tx.query("SELECT status, SUM(orders) AS orders, SUM(gross) AS gross, SUM(refunded) AS refunded, "
                                "SUM(units) AS units FROM admin_daily_sales WHERE day >= :from AND day <= :to AND "
                                "currency = :currency GROUP BY status",
                                {{"from", range.from}, {"to", range.to}, {"currency", currency_}})) {
    const std::string status = r.text("status");
    const long long n = r.integer("orders");
    f.ordersByStatus[status] += n;
    f.orders += n;
    if (!isKept(status)) continue;
    f.keptOrders += n;
    f.revenue += r.integer("gross") - r.integer("refunded");
    f.refunded += r.integer("refunded");
    f.unitsSold += r.integer("units");
  }
  f.payingCustomers = tx.one("SELECT COUNT(DISTINCT customer) AS n FROM admin_orders WHERE day >= :from AND "
                             "day <= :to AND kept = 1",
                             {{"from", range.from}, {"to", range.to}})
                          ->integer("n");
  const auto fresh = tx.one("SELECT SUM(customers) AS n FROM admin_daily_customers WHERE day >= :from AND day <= :to",
                            {{"from", range.from}, {"to", range.to}});
  f.newCustomers = fresh && !fresh->isNull("n") ? fresh->integer("n") : 0;
  return f;
}

std::vector<TrendPoint> SalesBook::trend(Tx& tx, const DayRange& range, Bucket bucket) const {
  std::vector<TrendPoint> points;
  for (int day = ShopCalendar::bucketStart(range.from, bucket); day <= range.to;
       day = ShopCalendar::nextBucket(day, bucket))
    points.push_back(TrendPoint{.start = day});
  // Buckets are ordered by their first day: the one holding `day` is the last starting at or before it.
  auto at = [&](long long day) -> TrendPoint& {
    auto it = std::upper_bound(points.begin(), points.end(), day,
                               [](long long d, const TrendPoint& p) { return d < p.start; });
    return *(it - 1);
  };
  const std::string kept = std::string("CASE WHEN status IN ") + kKeptSql;
  for (const auto& r : tx.query("SELECT day, SUM(orders) AS orders, SUM(" + kept + " THEN orders ELSE 0 END) AS kept, SUM(" +
                                    kept + " THEN gross - refunded ELSE 0 END) AS revenue, SUM(" + kept +
                                    " THEN units ELSE 0 END) AS units FROM admin_daily_sales WHERE day >= :from AND "
                                    "day <= :to AND currency = :currency GROUP BY day",
                                {{"from", range.from}, {"to", range.to}, {"currency", currency_}})) {
    TrendPoint& p = at(r.integer("day"));
    p.orders += r.integer("orders");
    p.keptOrders += r.integer("kept");
    p.revenue += r.integer("revenue");
    p.unitsSold += r.integer("units");
  }
  for (const auto& r : tx.query("SELECT day, customers FROM admin_daily_customers WHERE day >= :from AND day <= :to",
                                {{"from", range.from}, {"to", range.to}}))
    at(r.integer("day")).newCustomers += r.integer("customers");
  return points;
}

std::vector<ProductSales> SalesBook::topProducts(Tx& tx, const DayRange& range, bool byRevenue, int limit) const {
  std::vector<ProductSales> top;
  const std::string order = byRevenue ? "revenue DESC, units DESC" : "units DESC, revenue DESC";
  for (const auto& r : tx.query("SELECT p.product_id, p.variant_id, p.name, t.units, t.revenue FROM (SELECT product, "
                                "SUM(units) AS units, SUM(revenue) AS revenue FROM admin_product_sales WHERE day >= "
                                ":from AND day <= :to GROUP BY product HAVING SUM(units) > 0 ORDER BY " + order +
                                    ", product LIMIT :limit) t JOIN admin_products p ON p.id = t.product ORDER BY " +
                                    order + ", t.product",
                                {{"from", range.from}, {"to", range.to}, {"limit", limit}}))
    top.push_back(ProductSales{r.text("product_id"), r.text("variant_id"), r.text("name"), r.integer("units"),
                               r.integer("revenue")});
  return top;
}

}  // namespace agape::admin
