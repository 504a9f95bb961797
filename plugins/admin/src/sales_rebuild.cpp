#include "sales_rebuild.h"

#include <chrono>
#include <limits>
#include <ostream>

namespace agape::admin {

RebuildResult rebuildSales(Database& db, orders::OrderService& orders, const SalesBook& sales) {
  const auto t0 = std::chrono::steady_clock::now();
  RebuildResult r;
  const long long began =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  db.run([&](Tx& tx) { sales.clear(tx, began); });
  orders::OrderWalk walk{.fromMs = 0, .toMs = std::numeric_limits<long long>::max(), .limit = 500};
  for (;;) {
    const auto page = db.run([&](Tx& tx) {
      auto records = orders.walk(tx, walk);
      for (const auto& rec : records) sales.apply(tx, rec);
      return records;
    });
    r.orders += static_cast<long long>(page.size());
    if (page.size() < walk.limit) break;
    walk.continueAfter(page.back());
  }
  r.millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::optional<RebuildResult> rebuildSalesIfStale(Database& db, orders::OrderService& orders, const SalesBook& sales,
                                                 long long requestedAtMs) {
  if (db.run([&](Tx& tx) { return sales.rebuiltAt(tx); }, {.readOnly = true}) >= requestedAtMs) return std::nullopt;
  return rebuildSales(db, orders, sales);
}

void addRebuildCommand(Commands& commands, Database& db, const std::shared_ptr<orders::OrderService>& orders,
                       const SalesBook& sales) {
  commands.add("reports rebuild",
               "Usage: agape reports rebuild\n\n"
               "Builds the dashboard's sales model anew from every order, in the configured admin.timeZone.\n"
               "Servers do it by themselves when the model is new or the time zone changed, and after\n"
               "`agape seed orders`; this runs it now and waits for the end.\n",
               [&db, &orders, &sales](const CommandIo& io) {
                 if (!io.args.empty()) {
                   io.err << "agape: unexpected argument " << io.args.front() << "\n";
                   return 2;
                 }
                 if (!orders) {
                   io.err << "agape: the reports need the orders plugin\n";
                   return 1;
                 }
                 const RebuildResult r = rebuildSales(db, *orders, sales);
                 io.out << "rebuilt the sales reports from " << r.orders << " orders in " << r.millis << " ms\n";
                 return 0;
               });
}

}  // namespace agape::admin
