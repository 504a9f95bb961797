#pragma once
// The dashboard: sales figures of a period beside the previous one
// (GET /v1/admin/dashboard/stats), series by day, ISO week or month
// (/dashboard/trends) and the best sellers (/dashboard/top-products), all
// read from the SalesBook in the shop's calendar.
#include <memory>

#include <agape/db.h>
#include <agape/http.h>
#include <agape/money.h>
#include <agape/schema.h>

#include "report_cache.h"
#include "sales_book.h"
#include "shop_calendar.h"

namespace agape::catalog {
class VariantDirectory;
}

namespace agape::admin {

// The longest period a report covers (ten years), and the most points of a
// daily trend (three years).
inline constexpr int kMaxReportDays = 3660;
inline constexpr int kMaxDailyPoints = 1100;

// The `from` and `to` query parameters of every report.
struct PeriodQuery {
  std::optional<std::string> from;
  std::optional<std::string> to;
};
// A day of the shop's calendar, as `from` and `to` take it.
std::string dayProblem(const std::string& text);
template <class Q>  // a PeriodQuery, or a query that extends it
Schema<Q>& withPeriod(Schema<Q>& query) {
  return query
      .field("from", &PeriodQuery::from,
             {.maxLength = 40,
              .verify = dayProblem,
              .description = "first day, in the shop's time zone: 2026-11-01 (default: 29 days before to)"})
      .field("to", &PeriodQuery::to,
             {.maxLength = 40, .verify = dayProblem, .description = "last day, included: 2026-11-30 (default: today in the shop)"});
}
// `from` and `to` (local dates, both included) of a report: by default the
// 30 days ending today. Throws 400 validation_failed naming the parameter.
DayRange dayRangeOf(const PeriodQuery& q, const ShopCalendar& calendar);

struct Figures {
  std::string from;  // local dates
  std::string to;
  Money revenue;
  Money refunded;
  long long orders = 0;
  std::map<std::string, long long> ordersByStatus;
  long long paidOrders = 0;
  Money averageOrderValue;
  long long unitsSold = 0;
  long long newCustomers = 0;
  long long payingCustomers = 0;
};
struct DashboardStats {
  std::string timeZone;
  Figures current;
  Figures previous;
  std::map<std::string, std::optional<double>> change;  // null when the previous figure is 0
};

// GET /v1/admin/dashboard/stats's answer, and how it is written.
DashboardStats dashboardStats(const SalesFigures& current, const DayRange& now, const SalesFigures& previous,
                              const DayRange& before, const ShopCalendar& calendar, const std::string& currency);
Schema<DashboardStats> dashboardStatsSchema();

class DashboardApi {
 public:
  DashboardApi(Database& db, const ShopCalendar& calendar, const SalesBook& sales, std::chrono::milliseconds cacheTtl)
      : db_(db), calendar_(calendar), sales_(sales), cache_(cacheTtl) {}
  // Current product names and slugs (optional: the names as sold otherwise).
  void useCatalog(std::shared_ptr<catalog::VariantDirectory> variants) { variants_ = std::move(variants); }
  void registerRoutes(Routes& routes);

 private:

  Database& db_;
  const ShopCalendar& calendar_;
  const SalesBook& sales_;
  std::shared_ptr<catalog::VariantDirectory> variants_;
  ReportCache cache_;
};

}  // namespace agape::admin
