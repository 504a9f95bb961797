#include "dashboard_api.h"

#include <cmath>
#include <string>
#include <vector>

#include <agape/catalog/variant_directory.h>

namespace agape::admin {
namespace {

const std::vector<QueryParam> kPeriodQuery = {
    {.name = "from", .description = "first day, in the shop's time zone: 2026-11-01 (default: 29 days before to)"},
    {.name = "to", .description = "last day, included: 2026-11-30 (default: today in the shop)"}};

std::vector<QueryParam> withPeriod(std::vector<QueryParam> own) {
  own.insert(own.begin(), kPeriodQuery.begin(), kPeriodQuery.end());
  return own;
}

// JSON text as jsonResponse writes it (bad UTF-8 replaced, never thrown).
std::string text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json money(std::int64_t amount, const std::string& currency) { return {{"amount", amount}, {"currency", currency}}; }

Json figuresJson(const SalesFigures& f, const DayRange& range, const std::string& currency) {
  return {{"from", ShopCalendar::isoDate(range.from)},
          {"to", ShopCalendar::isoDate(range.to)},
          {"revenue", money(f.revenue, currency)},
          {"refunded", money(f.refunded, currency)},
          {"orders", f.orders},
          {"ordersByStatus", f.ordersByStatus},
          {"paidOrders", f.keptOrders},
          {"averageOrderValue", money(f.averageOrderValue(), currency)},
          {"unitsSold", f.unitsSold},
          {"newCustomers", f.newCustomers},
          {"payingCustomers", f.payingCustomers}};
}

// (now - before) / before, to four places; null when there was nothing before.
Json change(long long now, long long before) {
  if (before == 0) return nullptr;
  return std::round(static_cast<double>(now - before) / static_cast<double>(before) * 10000.0) / 10000.0;
}

constexpr const char* kMoney = R"({"type":"object","properties":{"amount":{"type":"integer"},"currency":{"type":"string"}}})";

const std::string kFiguresSchema =
    std::string(R"({"type":"object","properties":{"from":{"type":"string","format":"date"},)") +
    R"("to":{"type":"string","format":"date"},"revenue":)" + kMoney + R"(,"refunded":)" + kMoney +
    R"(,"orders":{"type":"integer"},"ordersByStatus":{"type":"object","additionalProperties":{"type":"integer"}},)"
    R"("paidOrders":{"type":"integer"},"averageOrderValue":)" + kMoney +
    R"(,"unitsSold":{"type":"integer"},"newCustomers":{"type":"integer"},"payingCustomers":{"type":"integer"}}})";

const std::string kStatsSchema =
    R"({"type":"object","required":["timeZone","current","previous","change"],"properties":{)"
    R"("timeZone":{"type":"string"},"current":)" + kFiguresSchema + R"(,"previous":)" + kFiguresSchema +
    R"(,"change":{"type":"object","description":"(current - previous) / previous; null when previous is 0",)"
    R"("additionalProperties":{"type":"number","nullable":true}}}})";

const std::string kTrendsSchema =
    std::string(R"({"type":"object","properties":{"timeZone":{"type":"string"},"period":{"type":"string"},)") +
    R"("from":{"type":"string","format":"date"},"to":{"type":"string","format":"date"},"data":{"type":"array",)"
    R"("items":{"type":"object","properties":{"bucket":{"type":"string","description":"2026-11-24, 2026-W48 or 2026-11"},)"
    R"("start":{"type":"string","format":"date"},"orders":{"type":"integer"},"paidOrders":{"type":"integer"},)"
    R"("revenue":)" + kMoney + R"(,"unitsSold":{"type":"integer"},"newCustomers":{"type":"integer"}}}}}})";

const std::string kTopSchema =
    std::string(R"({"type":"object","properties":{"timeZone":{"type":"string"},"by":{"type":"string"},)") +
    R"("from":{"type":"string","format":"date"},"to":{"type":"string","format":"date"},"data":{"type":"array",)"
    R"("items":{"type":"object","properties":{"productId":{"type":"string"},"name":{"type":"string"},)"
    R"("slug":{"type":"string","nullable":true},"units":{"type":"integer"},"revenue":)" + kMoney + "}}}}}";

}  // namespace

DayRange readDayRange(QueryReader& q, const ShopCalendar& calendar) {
  auto day = [&](const char* name) -> std::optional<int> {
    const auto text = q.text(name, 40);
    if (!text) return std::nullopt;
    int d = 0;
    if (ShopCalendar::parseDate(*text, d)) return d;
    q.fail(name, "must be a date such as 2026-11-24 (a day of the shop's calendar)");
    return std::nullopt;
  };
  const auto from = day("from");
  const auto to = day("to");
  DayRange r;
  r.to = to.value_or(from ? std::max(*from, calendar.today()) : calendar.today());
  r.from = from.value_or(r.to - 29);
  if (r.from > r.to) q.fail("to", "must not be before from");
  else if (r.days() > kMaxReportDays) q.fail("to", "must be at most " + std::to_string(kMaxReportDays) + " days after from");
  return r;
}

Json statsJson(const SalesFigures& cur, const DayRange& now, const SalesFigures& prev, const DayRange& before,
               const ShopCalendar& calendar, const std::string& currency) {
  return {{"timeZone", calendar.timeZone()},
          {"current", figuresJson(cur, now, currency)},
          {"previous", figuresJson(prev, before, currency)},
          {"change",
           {{"revenue", change(cur.revenue, prev.revenue)},
            {"orders", change(cur.orders, prev.orders)},
            {"paidOrders", change(cur.keptOrders, prev.keptOrders)},
            {"averageOrderValue", change(cur.averageOrderValue(), prev.averageOrderValue())},
            {"unitsSold", change(cur.unitsSold, prev.unitsSold)},
            {"newCustomers", change(cur.newCustomers, prev.newCustomers)},
            {"payingCustomers", change(cur.payingCustomers, prev.payingCustomers)}}}};
}

void DashboardApi::registerRoutes(Routes& routes) {
  const std::string period =
      " `from` and `to` are days of the shop's calendar (admin.timeZone, Africa/Lagos by default), both "
      "included; by default the 30 days ending today. Orders count on the day they were placed; revenue is what "
      "paid, processing, shipped and delivered orders brought, less refunds.";
  routes.get("/v1/admin/dashboard/stats", [this](Request& req) { return stats(req); },
             {.access = Access::Roles, .roles = {"admin", "finance"},
              .summary = "Sales, orders and customers of a period, beside the previous period of equal length",
              .description = "Revenue, refunds, orders by status, paid orders, average order value, units sold, "
                             "new customers (first paid order in the period) and paying customers." + period,
              .tag = "admin", .responseSchema = kStatsSchema, .query = kPeriodQuery});
  routes.get("/v1/admin/dashboard/trends", [this](Request& req) { return trends(req); },
             {.access = Access::Roles, .roles = {"admin", "finance"},
              .summary = "Orders, revenue, units and new customers per day, ISO week or month",
              .description = "One point per bucket from the one holding `from` to the one holding `to`, empty ones "
                             "with zeros; weeks start on Monday and are labelled by ISO week (2026-W48)." + period,
              .tag = "admin", .responseSchema = kTrendsSchema,
              .query = withPeriod({{.name = "period", .description = "bucket size (default daily)",
                                    .allowed = {"daily", "weekly", "monthly"}}})});
  routes.get("/v1/admin/dashboard/top-products", [this](Request& req) { return topProducts(req); },
             {.access = Access::Roles, .roles = {"admin", "finance", "merchant"},
              .summary = "The best-selling products of a period, by units or by revenue",
              .description = "Units and line totals in paid, processing, shipped and delivered orders." + period,
              .tag = "admin", .responseSchema = kTopSchema,
              .query = withPeriod({{.name = "by", .description = "ranking (default units)", .allowed = {"units", "revenue"}},
                                   {.name = "limit", .type = "integer", .description = "1..100 (default 10)"}})});
}

Response DashboardApi::stats(const Request& req) {
  QueryReader q(req, {"from", "to"});
  const DayRange now = readDayRange(q, calendar_);
  q.finish();
  const DayRange before{now.from - now.days(), now.from - 1};
  return Response::json(cache_.get("stats " + std::to_string(now.from) + " " + std::to_string(now.to), [&] {
    return text(db_.run(
        [&](Tx& tx) {
          return statsJson(sales_.figures(tx, now), now, sales_.figures(tx, before), before, calendar_,
                           sales_.currency());
        },
        {.readOnly = true}));
  }));
}

Response DashboardApi::trends(const Request& req) {
  QueryReader q(req, {"from", "to", "period"});
  const DayRange range = readDayRange(q, calendar_);
  const std::string period = q.choice("period", {"daily", "weekly", "monthly"}).value_or("daily");
  if (period == "daily" && range.days() > kMaxDailyPoints)
    q.fail("period", "daily covers at most " + std::to_string(kMaxDailyPoints) + " days: use weekly or monthly");
  q.finish();
  const Bucket bucket = period == "weekly" ? Bucket::Week : period == "monthly" ? Bucket::Month : Bucket::Day;
  const std::string key = "trends " + period + " " + std::to_string(range.from) + " " + std::to_string(range.to);
  return Response::json(cache_.get(key, [&] { return text(trendsJson(range, period, bucket)); }));
}

Json DashboardApi::trendsJson(const DayRange& range, const std::string& period, Bucket bucket) {
  const auto points = db_.run([&](Tx& tx) { return sales_.trend(tx, range, bucket); }, {.readOnly = true});
  Json data = Json::array();
  for (const TrendPoint& p : points)
    data.push_back({{"bucket", ShopCalendar::label(p.start, bucket)},
                    {"start", ShopCalendar::isoDate(p.start)},
                    {"orders", p.orders},
                    {"paidOrders", p.keptOrders},
                    {"revenue", money(p.revenue, sales_.currency())},
                    {"unitsSold", p.unitsSold},
                    {"newCustomers", p.newCustomers}});
  return {{"timeZone", calendar_.timeZone()},
          {"period", period},
          {"from", ShopCalendar::isoDate(range.from)},
          {"to", ShopCalendar::isoDate(range.to)},
          {"data", std::move(data)}};
}

Response DashboardApi::topProducts(const Request& req) {
  QueryReader q(req, {"from", "to", "by", "limit"});
  const DayRange range = readDayRange(q, calendar_);
  const std::string by = q.choice("by", {"units", "revenue"}).value_or("units");
  const int limit = static_cast<int>(q.integer("limit", 1, 100).value_or(10));
  q.finish();
  const std::string key = "top " + by + " " + std::to_string(limit) + " " + std::to_string(range.from) + " " +
                          std::to_string(range.to);
  return Response::json(cache_.get(key, [&] { return text(topProductsJson(range, by, limit)); }));
}

Json DashboardApi::topProductsJson(const DayRange& range, const std::string& by, int limit) {
  Json data = Json::array();
  db_.run(
      [&](Tx& tx) {
        data = Json::array();
        const auto top = sales_.topProducts(tx, range, by == "revenue", limit);
        std::map<std::string, catalog::VariantSummary> current;
        if (variants_) {
          std::vector<std::string> ids;
          for (const auto& p : top) ids.push_back(p.variantId);
          for (auto& v : variants_->lookup(tx, ids)) current.emplace(v.productId, std::move(v));
        }
        for (const auto& p : top) {
          const auto it = current.find(p.productId);
          const bool known = it != current.end();
          data.push_back({{"productId", p.productId},
                          {"name", known ? it->second.productName : p.name},
                          {"slug", known ? Json(it->second.productSlug) : Json(nullptr)},
                          {"units", p.units},
                          {"revenue", money(p.revenue, sales_.currency())}});
        }
      },
      {.readOnly = true});
  return {{"timeZone", calendar_.timeZone()},
          {"by", by},
          {"from", ShopCalendar::isoDate(range.from)},
          {"to", ShopCalendar::isoDate(range.to)},
          {"data", std::move(data)}};
}

}  // namespace agape::admin
