#include "dashboard_api.h"

#include <cmath>
#include <string>
#include <vector>

#include <agape/catalog/variant_directory.h>
#include <agape/contract.h>
#include <agape/problem.h>
#include <agape/roles.h>

namespace agape::admin {
namespace {

struct TrendsQuery : PeriodQuery {
  std::string period = "daily";
};
struct TopQuery : PeriodQuery {
  std::string by = "units";
  int limit = 10;
};

struct TrendPointView {
  std::string bucket;
  std::string start;
  long long orders = 0;
  long long paidOrders = 0;
  Money revenue;
  long long unitsSold = 0;
  long long newCustomers = 0;
};
struct Trends {
  std::string timeZone;
  std::string period;
  std::string from;
  std::string to;
  std::vector<TrendPointView> data;
};
struct TopProductView {
  std::string productId;
  std::string name;
  std::optional<std::string> slug;
  long long units = 0;
  Money revenue;
};
struct TopProducts {
  std::string timeZone;
  std::string by;
  std::string from;
  std::string to;
  std::vector<TopProductView> data;
};

Figures figuresOf(const SalesFigures& f, const DayRange& range, const std::string& currency) {
  return {ShopCalendar::isoDate(range.from),
          ShopCalendar::isoDate(range.to),
          {f.revenue, currency},
          {f.refunded, currency},
          f.orders,
          {f.ordersByStatus.begin(), f.ordersByStatus.end()},
          f.keptOrders,
          {f.averageOrderValue(), currency},
          f.unitsSold,
          f.newCustomers,
          f.payingCustomers};
}

// (now - before) / before, to four places; null when there was nothing before.
std::optional<double> change(long long now, long long before) {
  if (before == 0) return std::nullopt;
  return std::round(static_cast<double>(now - before) / static_cast<double>(before) * 10000.0) / 10000.0;
}

const Rules kDate{.format = "date"};

Schema<Figures> figuresSchema() {
  return Schema<Figures>()
      .field("from", &Figures::from, kDate)
      .field("to", &Figures::to, kDate)
      .field("revenue", &Figures::revenue, moneySchema())
      .field("refunded", &Figures::refunded, moneySchema())
      .field("orders", &Figures::orders)
      .field("ordersByStatus", &Figures::ordersByStatus)
      .field("paidOrders", &Figures::paidOrders)
      .field("averageOrderValue", &Figures::averageOrderValue, moneySchema())
      .field("unitsSold", &Figures::unitsSold)
      .field("newCustomers", &Figures::newCustomers)
      .field("payingCustomers", &Figures::payingCustomers);
}

Schema<Trends> trendsSchema() {
  const auto point = Schema<TrendPointView>()
                         .field("bucket", &TrendPointView::bucket, {.description = "2026-11-24, 2026-W48 or 2026-11"})
                         .field("start", &TrendPointView::start, kDate)
                         .field("orders", &TrendPointView::orders)
                         .field("paidOrders", &TrendPointView::paidOrders)
                         .field("revenue", &TrendPointView::revenue, moneySchema())
                         .field("unitsSold", &TrendPointView::unitsSold)
                         .field("newCustomers", &TrendPointView::newCustomers);
  return Schema<Trends>()
      .field("timeZone", &Trends::timeZone)
      .field("period", &Trends::period)
      .field("from", &Trends::from, kDate)
      .field("to", &Trends::to, kDate)
      .field("data", &Trends::data, point);
}

Schema<TopProducts> topProductsSchema() {
  const auto product = Schema<TopProductView>()
                           .field("productId", &TopProductView::productId)
                           .field("name", &TopProductView::name)
                           .field("slug", &TopProductView::slug)
                           .field("units", &TopProductView::units)
                           .field("revenue", &TopProductView::revenue, moneySchema());
  return Schema<TopProducts>()
      .field("timeZone", &TopProducts::timeZone)
      .field("by", &TopProducts::by)
      .field("from", &TopProducts::from, kDate)
      .field("to", &TopProducts::to, kDate)
      .field("data", &TopProducts::data, product);
}

}  // namespace

std::string dayProblem(const std::string& text) {
  int day = 0;
  return ShopCalendar::parseDate(text, day) ? "" : "must be a date such as 2026-11-24 (a day of the shop's calendar)";
}

DayRange dayRangeOf(const PeriodQuery& q, const ShopCalendar& calendar) {
  std::vector<FieldError> errors;
  auto day = [&](const char* name, const std::optional<std::string>& text) -> std::optional<int> {
    if (!text) return std::nullopt;
    int d = 0;
    if (ShopCalendar::parseDate(*text, d)) return d;
    errors.push_back({name, "must be a date such as 2026-11-24 (a day of the shop's calendar)"});
    return std::nullopt;
  };
  const auto from = day("from", q.from);
  const auto to = day("to", q.to);
  DayRange r;
  r.to = to.value_or(from ? std::max(*from, calendar.today()) : calendar.today());
  r.from = from.value_or(r.to - 29);
  if (errors.empty() && r.from > r.to)
    errors.push_back({"to", "must not be before from"});
  else if (errors.empty() && r.days() > kMaxReportDays)
    errors.push_back({"to", "must be at most " + std::to_string(kMaxReportDays) + " days after from"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  return r;
}

DashboardStats dashboardStats(const SalesFigures& cur, const DayRange& now, const SalesFigures& prev,
                              const DayRange& before, const ShopCalendar& calendar, const std::string& currency) {
  return {calendar.timeZone(),
          figuresOf(cur, now, currency),
          figuresOf(prev, before, currency),
          {{"revenue", change(cur.revenue, prev.revenue)},
           {"orders", change(cur.orders, prev.orders)},
           {"paidOrders", change(cur.keptOrders, prev.keptOrders)},
           {"averageOrderValue", change(cur.averageOrderValue(), prev.averageOrderValue())},
           {"unitsSold", change(cur.unitsSold, prev.unitsSold)},
           {"newCustomers", change(cur.newCustomers, prev.newCustomers)},
           {"payingCustomers", change(cur.payingCustomers, prev.payingCustomers)}}};
}

Schema<DashboardStats> dashboardStatsSchema() {
  return Schema<DashboardStats>()
      .field("timeZone", &DashboardStats::timeZone)
      .field("current", &DashboardStats::current, figuresSchema())
      .field("previous", &DashboardStats::previous, figuresSchema())
      .field("change", &DashboardStats::change, {.description = "(current - previous) / previous; null when previous is 0"});
}

void DashboardApi::registerRoutes(Routes& routes) {
  const std::string period =
      " `from` and `to` are days of the shop's calendar (admin.timeZone, Africa/Lagos by default), both "
      "included; by default the 30 days ending today. Orders count on the day they were placed; revenue is what "
      "paid, processing, shipped and delivered orders brought, less refunds.";
  const std::vector<std::string> readers = {std::string(roles::admin), std::string(roles::finance)};
  // Answers are cached as text for admin.reportCacheTtl: the handlers return
  // the encoded JSON, which the contract still describes (and checks in tests).
  Schema<PeriodQuery> statsQuery;
  withPeriod(statsQuery);
  const auto stats = dashboardStatsSchema();
  routes.get("/v1/admin/dashboard/stats", Contract().query(statsQuery).returns(stats),
             {.access = Access::Roles, .roles = readers,
              .summary = "Sales, orders and customers of a period, beside the previous period of equal length",
              .description = "Revenue, refunds, orders by status, paid orders, average order value, units sold, "
                             "new customers (first paid order in the period) and paying customers." + period,
              .tag = "admin"},
             [this, stats](Call<None, PeriodQuery>& call) {
               const DayRange now = dayRangeOf(call.query, calendar_);
               const DayRange before{now.from - now.days(), now.from - 1};
               return Response::json(cache_.get("stats " + std::to_string(now.from) + " " + std::to_string(now.to), [&] {
                 return stats.encode(db_.run(
                     [&](Tx& tx) {
                       return dashboardStats(sales_.figures(tx, now), now, sales_.figures(tx, before), before, calendar_,
                                             sales_.currency());
                     },
                     {.readOnly = true}));
               }));
             });

  Schema<TrendsQuery> trendsQuery;
  withPeriod(trendsQuery)
      .field("period", &TrendsQuery::period,
             {.optional = true, .oneOf = {"daily", "weekly", "monthly"}, .description = "bucket size (default daily)"});
  const auto trends = trendsSchema();
  routes.get("/v1/admin/dashboard/trends", Contract().query(trendsQuery).returns(trends),
             {.access = Access::Roles, .roles = readers,
              .summary = "Orders, revenue, units and new customers per day, ISO week or month",
              .description = "One point per bucket from the one holding `from` to the one holding `to`, empty ones "
                             "with zeros; weeks start on Monday and are labelled by ISO week (2026-W48)." + period,
              .tag = "admin"},
             [this, trends](Call<None, TrendsQuery>& call) {
               const auto& q = call.query;
               const DayRange range = dayRangeOf(q, calendar_);
               if (q.period == "daily" && range.days() > kMaxDailyPoints)
                 throw Problem::validation({{"period", "daily covers at most " + std::to_string(kMaxDailyPoints) +
                                                           " days: use weekly or monthly"}});
               const Bucket bucket = q.period == "weekly" ? Bucket::Week : q.period == "monthly" ? Bucket::Month : Bucket::Day;
               const std::string key = "trends " + q.period + " " + std::to_string(range.from) + " " + std::to_string(range.to);
               return Response::json(cache_.get(key, [&] {
                 Trends out{calendar_.timeZone(), q.period, ShopCalendar::isoDate(range.from),
                            ShopCalendar::isoDate(range.to), {}};
                 const auto points = db_.run([&](Tx& tx) { return sales_.trend(tx, range, bucket); }, {.readOnly = true});
                 for (const TrendPoint& p : points)
                   out.data.push_back({ShopCalendar::label(p.start, bucket), ShopCalendar::isoDate(p.start), p.orders,
                                       p.keptOrders, {p.revenue, sales_.currency()}, p.unitsSold, p.newCustomers});
                 return trends.encode(out);
               }));
             });

  Schema<TopQuery> topQuery;
  withPeriod(topQuery)
      .field("by", &TopQuery::by, {.optional = true, .oneOf = {"units", "revenue"}, .description = "ranking (default units)"})
      .field("limit", &TopQuery::limit, {.optional = true, .min = 1, .max = 100, .description = "1..100 (default 10)"});
  const auto top = topProductsSchema();
  routes.get("/v1/admin/dashboard/top-products", Contract().query(topQuery).returns(top),
             {.access = Access::Roles, .roles = {std::string(roles::admin), std::string(roles::finance),
                                                 std::string(roles::merchant)},
              .summary = "The best-selling products of a period, by units or by revenue",
              .description = "Units and line totals in paid, processing, shipped and delivered orders." + period,
              .tag = "admin"},
             [this, top](Call<None, TopQuery>& call) {
               const auto& q = call.query;
               const DayRange range = dayRangeOf(q, calendar_);
               const std::string key = "top " + q.by + " " + std::to_string(q.limit) + " " + std::to_string(range.from) +
                                       " " + std::to_string(range.to);
               return Response::json(cache_.get(key, [&] {
                 TopProducts out{calendar_.timeZone(), q.by, ShopCalendar::isoDate(range.from),
                                 ShopCalendar::isoDate(range.to), {}};
                 db_.run(
                     [&](Tx& tx) {
                       out.data.clear();
                       const auto best = sales_.topProducts(tx, range, q.by == "revenue", q.limit);
                       std::map<std::string, catalog::VariantSummary> current;
                       if (variants_) {
                         std::vector<std::string> ids;
                         for (const auto& p : best) ids.push_back(p.variantId);
                         for (auto& v : variants_->lookup(tx, ids)) current.emplace(v.productId, std::move(v));
                       }
                       for (const auto& p : best) {
                         const auto it = current.find(p.productId);
                         const bool known = it != current.end();
                         out.data.push_back({p.productId, known ? it->second.productName : p.name,
                                             known ? std::optional<std::string>(it->second.productSlug) : std::nullopt,
                                             p.units, {p.revenue, sales_.currency()}});
                       }
                     },
                     {.readOnly = true});
                 return top.encode(out);
               }));
             });
}

}  // namespace agape::admin
