#pragma once
// The dashboard: sales figures of a period beside the previous one
// (GET /v1/admin/dashboard/stats), series by day, ISO week or month
// (/dashboard/trends) and the best sellers (/dashboard/top-products), all
// read from the SalesBook in the shop's calendar.
#include <memory>

#include <agape/db.h>
#include <agape/http.h>
#include <agape/json.h>
#include <agape/query.h>

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

// `from` and `to` (local dates, both included) of a report: by default the
// 30 days ending today. Problems go to the reader.
DayRange readDayRange(QueryReader& q, const ShopCalendar& calendar);

// GET /v1/admin/dashboard/stats's answer.
Json statsJson(const SalesFigures& current, const DayRange& now, const SalesFigures& previous,
               const DayRange& before, const ShopCalendar& calendar, const std::string& currency);

class DashboardApi {
 public:
  DashboardApi(Database& db, const ShopCalendar& calendar, const SalesBook& sales, std::chrono::milliseconds cacheTtl)
      : db_(db), calendar_(calendar), sales_(sales), cache_(cacheTtl) {}
  // Current product names and slugs (optional: the names as sold otherwise).
  void useCatalog(std::shared_ptr<catalog::VariantDirectory> variants) { variants_ = std::move(variants); }
  void registerRoutes(Routes& routes);

 private:
  Response stats(const Request& req);
  Response trends(const Request& req);
  Response topProducts(const Request& req);
  Json trendsJson(const DayRange& range, const std::string& period, Bucket bucket);
  Json topProductsJson(const DayRange& range, const std::string& by, int limit);

  Database& db_;
  const ShopCalendar& calendar_;
  const SalesBook& sales_;
  std::shared_ptr<catalog::VariantDirectory> variants_;
  ReportCache cache_;
};

}  // namespace agape::admin
