#pragma once
// GET /v1/admin/reports/sales/export: one CSV row per order line of the
// orders placed in a period, streamed page by page (a page of orders is read
// in a transaction of its own, written, and dropped), so that a year of
// orders never sits in memory.
#include <memory>
#include <string>

#include <agape/db.h>
#include <agape/http.h>

#include "sales_book.h"
#include "shop_calendar.h"

namespace agape::orders {
class OrderService;
struct OrderRecord;
}  // namespace agape::orders
namespace agape::auth {
class UserDirectory;
}

namespace agape::admin {

// Orders read per transaction (measured: 500 and 2,000 are slower on
// PostgreSQL), and the customer addresses an export remembers.
inline constexpr std::size_t kExportPage = 1000;
inline constexpr std::size_t kExportEmails = 100'000;

// The CSV's header record, and one record per line of `order` in `out`.
std::string salesCsvHeader();
void appendSalesCsv(std::string& out, const orders::OrderRecord& order, const std::string& email,
                    const ShopCalendar& calendar);

class ExportApi {
 public:
  ExportApi(Database& db, const ShopCalendar& calendar) : db_(db), calendar_(calendar) {}
  void use(std::shared_ptr<orders::OrderService> orders, std::shared_ptr<auth::UserDirectory> users) {
    orders_ = std::move(orders);
    users_ = std::move(users);
  }
  void registerRoutes(Routes& routes);

 private:
  Response exportSales(const DayRange& range);

  Database& db_;
  const ShopCalendar& calendar_;
  std::shared_ptr<orders::OrderService> orders_;
  std::shared_ptr<auth::UserDirectory> users_;
};

}  // namespace agape::admin
