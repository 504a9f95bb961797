#pragma once
// Building the SalesBook anew from every order the OrderService has: when
// the model is new, after the time zone changed, after `agape seed orders`,
// and on demand (`agape reports rebuild`).
#include <memory>
#include <optional>

#include <agape/commands.h>
#include <agape/db.h>
#include <agape/orders/order_service.h>

#include "sales_book.h"

namespace agape::admin {

struct RebuildResult {
  long long orders = 0;
  long long millis = 0;
};

// Empties the model, then walks the orders oldest first, a page per
// transaction. Events applied meanwhile are safe: an order is recorded once
// per version, whichever comes first.
RebuildResult rebuildSales(Database& db, orders::OrderService& orders, const SalesBook& sales);

// The rebuild asked for at `requestedAtMs` (a job's payload
// {"requestedAt": ms}), unless one began since: a start and a seeding
// close together rebuild once. Nothing when skipped.
std::optional<RebuildResult> rebuildSalesIfStale(Database& db, orders::OrderService& orders, const SalesBook& sales,
                                                 long long requestedAtMs);

// `orders` is read when the command runs (it is found at validate).
void addRebuildCommand(Commands& commands, Database& db, const std::shared_ptr<orders::OrderService>& orders,
                       const SalesBook& sales);

}  // namespace agape::admin
