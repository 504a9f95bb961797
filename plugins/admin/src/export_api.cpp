#include "export_api.h"

#include <limits>
#include <map>
#include <unordered_map>
#include <set>
#include <vector>

#include <agape/auth/user_directory.h>
#include <agape/clock.h>
#include <agape/orders/order_service.h>
#include <agape/problem.h>
#include <agape/query.h>

#include "csv.h"
#include "dashboard_api.h"

namespace agape::admin {

std::string salesCsvHeader() {
  std::string out;
  CsvRecord r(out);
  for (const char* name : {"order_number", "placed_at", "placed_on", "status", "customer_email", "sku", "product",
                           "size", "color", "quantity", "unit_price", "line_total", "order_total", "refunded",
                           "currency"})
    r.plain(name);
  r.end();
  return out;
}

void appendSalesCsv(std::string& out, const orders::OrderRecord& rec, const std::string& email,
                    const ShopCalendar& calendar) {
  const orders::OrderSummary& o = rec.order;
  const std::string placedAt = rfc3339(rec.createdAt);
  const std::string placedOn = ShopCalendar::isoDate(calendar.dayOf(rec.createdAt));
  for (const orders::OrderLine& l : rec.lines) {
    CsvRecord r(out);
    r.plain(o.number).plain(placedAt).plain(placedOn).plain(o.status).text(email).text(l.sku).text(l.productName);
    r.text(l.size.value_or("")).text(l.color.value_or(""));
    r.integer(l.quantity).amount(l.unitPrice).amount(l.lineTotal).amount(o.total).amount(rec.refunded);
    r.plain(o.currency);
    r.end();
  }
}

void ExportApi::registerRoutes(Routes& routes) {
  routes.get("/v1/admin/reports/sales/export", [this](Request& req) { return exportSales(req); },
             {.access = Access::Roles, .roles = {"admin", "finance"},
              .summary = "The sales of a period as CSV, one row per order line, streamed",
              .description = "`text/csv; charset=utf-8` (RFC 4180, CRLF), as an attachment: order number, "
                             "placement time (UTC) and day (the shop's), status, customer email, SKU, product, "
                             "size, colour, quantity, unit price, line total, order total, refunded (decimal "
                             "amounts: 12500.50) and currency, oldest order first. Every order placed in the "
                             "period, whatever its status. Text cells that a spreadsheet would take for a formula "
                             "(=, +, -, @, tab, CR first) start with an apostrophe. `from` and `to` are days of the "
                             "shop's calendar, both included (default: the 30 days ending today).",
              .tag = "admin",
              .query = {{.name = "from", .description = "first day: 2026-11-01"},
                        {.name = "to", .description = "last day, included: 2026-11-30"}}});
}

Response ExportApi::exportSales(const Request& req) {
  QueryReader q(req, {"from", "to"});
  const DayRange range = readDayRange(q, calendar_);
  q.finish();
  if (!orders_) throw Problem(404, "not_found", "There are no orders to export: the orders plugin is not enabled.");
  orders::OrderWalk walk{.fromMs = calendar_.startOf(range.from),
                         .toMs = calendar_.startOf(range.to + 1),
                         .limit = kExportPage};
  Response response = Response::stream("text/csv; charset=utf-8", [this, walk](BodyWriter& body) mutable {
    std::string chunk = salesCsvHeader();
    // Customers come back page after page: their addresses are asked for
    // once (up to kExportEmails of them, then the memo starts again).
    std::unordered_map<std::string, std::string> emails;
    for (;;) {
      std::vector<orders::OrderRecord> page;
      db_.run(
          [&](Tx& tx) {
            page = orders_->walk(tx, walk);
            if (!users_) return;
            std::set<std::string> unknown;
            for (const auto& rec : page)
              if (!emails.count(rec.order.userId)) unknown.insert(rec.order.userId);
            if (unknown.empty()) return;
            if (emails.size() + unknown.size() > kExportEmails) emails.clear();
            for (auto& [id, email] : users_->emailsOf(tx, {unknown.begin(), unknown.end()})) emails[id] = std::move(email);
            for (const auto& id : unknown) emails.try_emplace(id);  // unknown to auth: an empty cell
          },
          {.readOnly = true});
      for (const auto& rec : page) appendSalesCsv(chunk, rec, emails[rec.order.userId], calendar_);
      body.write(chunk);
      chunk.clear();
      if (page.size() < walk.limit) break;
      walk.afterCreatedAt = page.back().createdAt;
      walk.afterId = page.back().order.id;
    }
  });
  response.headers.set("Content-Disposition", "attachment; filename=\"sales-" + ShopCalendar::isoDate(range.from) +
                                                  "-to-" + ShopCalendar::isoDate(range.to) + ".csv\"");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace agape::admin
