#pragma once
// What other plugins (cart, orders) may ask the inventory about stock, inside
// their own transaction, so that holding stock commits or rolls back with
// their own writes (orders reserves in the transaction that inserts the
// order). Call it from handlers and jobs, never from a network thread.
//
//   auto& stock = ctx.services().get<agape::inventory::StockService>();  // in validate/start
//   db.run([&](agape::Tx& tx) {
//     insertOrder(tx, order);
//     auto hold = stock.reserve(tx, "order:" + order.id, {{variantId, 2}});  // 409 out_of_stock if short
//     order.reservationExpiresAt = hold.expiresAt;
//   });
//   // later, on payment.succeeded:            stock.commit(tx, "order:" + id);
//   // on cancellation:                        stock.release(tx, "order:" + id);
//   // on cancellation after payment:          stock.restock(tx, "order:" + id);
//   // on inventory.reservation_expired:       the hold is gone; expire the order.
//
// Guarantees: a reservation never takes a variant's available stock
// (on hand − reserved) below zero, whatever the number of concurrent callers
// or server instances on one database; reserve is all-or-nothing; reserve,
// commit and release are idempotent, so a retried transaction or a
// redelivered event changes nothing the second time.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {
class Tx;
}

namespace agape::inventory {

struct StockItem {
  std::string variantId;
  long long quantity = 0;  // > 0

  bool operator==(const StockItem&) const = default;
};

enum class ReservationStatus {
  Active,     // holding stock until committed, released or expired
  Committed,  // the stock left the warehouse's count (sold)
  Returned,   // committed, then its units were put back on hand (restock)
  Released,   // given back by the holder
  Expired,    // given back by the expiry sweep (inventory.reservation_expired was published)
};

struct Reservation {
  std::string holder;
  std::vector<StockItem> items;  // sorted by variant id
  std::chrono::system_clock::time_point expiresAt;
  ReservationStatus status = ReservationStatus::Active;
};

class StockService {
 public:
  static constexpr std::string_view kServiceId = "agape.inventory.StockService";
  virtual ~StockService() = default;

  // Holds `items` for `holder` (an opaque reference such as "order:<id>")
  // until `ttl` from now (default: inventory.reservationTtl, 15 min).
  // All or nothing: when any item is short it throws agape::Problem 409
  // `out_of_stock` whose detail names the variants and whose field errors are
  // `items[i].quantity` (indexes into `items`), having left the transaction
  // as it found it, so the caller may pass it straight to its client. An
  // empty list, a quantity below 1 or a variant given twice is a 400
  // `validation_failed` Problem.
  // A holder names one reservation for ever: reserving again for a holder
  // that already has one with the same items returns it unchanged (whatever
  // its status), and with other items is a 409 `reservation_conflict`.
  virtual Reservation reserve(Tx& tx, const std::string& holder, const std::vector<StockItem>& items,
                              std::optional<std::chrono::seconds> ttl = {}) = 0;

  // The stock is sold: on hand and reserved both drop by the held quantities.
  // True when this call committed an active reservation; false (and nothing
  // changes) when the holder has none, or it was already committed, released
  // or expired.
  virtual bool commit(Tx& tx, const std::string& holder) = 0;

  // The stock is given back: reserved drops. True when this call released an
  // active reservation; false (and nothing changes) otherwise.
  virtual bool release(Tx& tx, const std::string& holder) = 0;

  // The sold units come back: on hand rises by a committed reservation's
  // quantities, recorded as movements of kind `return` that name the holder.
  // True when this call returned them; false (and nothing changes) when the
  // holder has no committed reservation or it was returned before.
  virtual bool restock(Tx& tx, const std::string& holder) = 0;

  // The holder's reservation in any status, or nullopt.
  virtual std::optional<Reservation> find(Tx& tx, const std::string& holder) const = 0;

  // Units that can be reserved now (on hand − reserved) for each of
  // `variantIds`; a variant the inventory has never stocked counts 0.
  virtual std::map<std::string, long long> available(Tx& tx, const std::vector<std::string>& variantIds) const = 0;
};

}  // namespace agape::inventory
