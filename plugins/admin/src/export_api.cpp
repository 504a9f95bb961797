#include "export_api.h"

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include <agape/auth/user_directory.h>
#include <agape/clock.h>
#include <agape/orders/order_service.h>
#include <agape/problem.h>
#include <agape/contract.h>
#include <agape/roles.h>

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
    r.plain(o.number).plain(placedAt).plain(placedOn).plain(std::string(orders::orderStatusName(o.status))).text(email).text(l.sku).text(l.productName);
    r.text(l.size.value_or("")).text(l.color.value_or(""));
    r.integer(l.quantity).amount(l.unitPrice).amount(l.lineTotal).amount(o.total).amount(rec.refunded);
    r.plain(o.currency);
    r.end();
  }
}

namespace {

// Pages read and formatted on a thread of its own while the worker writes
// the one before: the database and the client work at the same time. One
// page waits at most, so memory stays flat; one thread per export keeps
// its allocations in one malloc arena.
class PageAhead {
 public:
  using Next = std::function<std::optional<std::string>()>;
  explicit PageAhead(Next next) : thread_([this, next = std::move(next)]() mutable { run(next); }) {}
  ~PageAhead() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  // The next page, or nothing after the last; rethrows the reader's failure.
  std::optional<std::string> take() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return slot_.has_value() || finished_; });
    if (slot_) {
      std::optional<std::string> page = std::move(slot_);
      slot_.reset();
      changed_.notify_all();
      return page;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }

 private:
  void run(Next& next) {
    try {
      while (auto page = next()) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !slot_.has_value() || stop_; });
        if (stop_) return;  // the client went away
        slot_ = std::move(page);
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::string> slot_;
  bool finished_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: it starts once the rest is ready
};

}  // namespace

void ExportApi::registerRoutes(Routes& routes) {
  Schema<PeriodQuery> query;
  withPeriod(query);
  routes.get("/v1/admin/reports/sales/export", Contract().query(query),
             {.access = Access::Roles, .roles = {std::string(roles::admin), std::string(roles::finance)},
              .summary = "The sales of a period as CSV, one row per order line, streamed",
              .description = "`text/csv; charset=utf-8` (RFC 4180, CRLF), as an attachment: order number, "
                             "placement time (UTC) and day (the shop's), status, customer email, SKU, product, "
                             "size, colour, quantity, unit price, line total, order total, refunded (decimal "
                             "amounts: 12500.50) and currency, oldest order first. Every order placed in the "
                             "period, whatever its status. Text cells that a spreadsheet would take for a formula "
                             "(=, +, -, @, tab, CR first) start with an apostrophe. `from` and `to` are days of the "
                             "shop's calendar, both included (default: the 30 days ending today).",
              .tag = "admin",
              .successContentType = "text/csv; charset=utf-8"},
             [this](Call<None, PeriodQuery>& call) { return exportSales(dayRangeOf(call.query, calendar_)); });
}

Response ExportApi::exportSales(const DayRange& range) {
  if (!orders_) throw Problem(404, "not_found", "There are no orders to export: the orders plugin is not enabled.");
  orders::OrderWalk walk{.fromMs = calendar_.startOf(range.from),
                         .toMs = calendar_.startOf(range.to + 1),
                         .limit = kExportPage};
  // One page's CSV per call (the header first), nothing after the last page.
  auto nextPage = [this, walk, header = true, done = false,
                   emails = std::unordered_map<std::string, std::string>()]() mutable -> std::optional<std::string> {
    if (done) return std::nullopt;
    std::vector<orders::OrderRecord> page;
    db_.run(
        [&](Tx& tx) {
          page = orders_->walk(tx, walk);
          if (!users_) return;
          // Customers come back page after page: each address is asked for
          // once (up to kExportEmails of them, then the memo starts again).
          std::set<std::string> unknown;
          for (const auto& rec : page)
            if (!emails.count(rec.order.userId)) unknown.insert(rec.order.userId);
          if (unknown.empty()) return;
          if (emails.size() + unknown.size() > kExportEmails) emails.clear();
          for (auto& [id, email] : users_->emailsOf(tx, {unknown.begin(), unknown.end()})) emails[id] = std::move(email);
          for (const auto& id : unknown) emails.try_emplace(id);  // unknown to auth: an empty cell
        },
        {.readOnly = true});
    std::string text = header ? salesCsvHeader() : "";
    header = false;
    for (const auto& rec : page) appendSalesCsv(text, rec, emails[rec.order.userId], calendar_);
    done = page.size() < walk.limit;
    if (!done) walk.continueAfter(page.back());
    return text;
  };
  Response response = Response::stream("text/csv; charset=utf-8", [nextPage](BodyWriter& body) {
    PageAhead pages(nextPage);
    while (auto text = pages.take()) body.write(*text);
  });
  response.headers.set("Content-Disposition", "attachment; filename=\"sales-" + ShopCalendar::isoDate(range.from) +
                                                  "-to-" + ShopCalendar::isoDate(range.to) + ".csv\"");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace agape::admin
