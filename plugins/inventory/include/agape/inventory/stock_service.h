#pragma once
// What other plugins (cart, orders) may ask the inventory about stock, inside
// their own transaction, so that holding stock commits or rolls back with
// their own writes (orders reserves in the transaction that inserts the
// order). Call it from handlers and jobs, never from a network thread.
//
//   auto& stock = ctx.services().get<agape::inventory::StockService>();  // in validate/start
//   db.run([&](agape::Tx& tx) {
//     insertOrder(tx, order);
//     auto hold = stock.reserve(tx, {"order", order.id}, {{variantId, 2}});  // OutOfStock if short
//     order.reservationExpiresAt = hold.expiresAt;
//   });
//   // later, on payment.succeeded:            stock.commit(tx, {"order", id});
//   // on cancellation:                        stock.release(tx, {"order", id});
//   // on cancellation after payment:          stock.restock(tx, {"order", id});
//   // on inventory.reservation_expired:       the hold is gone; expire the order
//   //                                         (e.holderKind == "order", e.holderId).
//
// Guarantees: a reservation never takes a variant's available stock
// (on hand − reserved) below zero, whatever the number of concurrent callers
// or server instances on one database; reserve is all-or-nothing; reserve,
// commit and release are idempotent, so a retried transaction or a
// redelivered event changes nothing the second time.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <agape/inventory/holder.h>
#include <agape/problem.h>

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
  Holder holder;
  std::vector<StockItem> items;  // sorted by variant id
  std::chrono::system_clock::time_point expiresAt;
  ReservationStatus status = ReservationStatus::Active;
};

// One item of a reservation that the stock could not cover.
struct Shortage {
  std::size_t index = 0;  // into the items asked for
  std::string variantId;
  long long requested = 0;
  // Units there were; nullopt when the level moved back between the refused
  // update and the read that explains it (short at the moment it counted).
  std::optional<long long> available;
};

// A reservation refused for want of stock; nothing was held. The caller's
// HTTP adapter says it to its own client in its own terms (outOfStock below).
class OutOfStock : public std::runtime_error {
 public:
  explicit OutOfStock(std::vector<Shortage> shortages)
      : std::runtime_error("out of stock"), shortages_(std::move(shortages)) {}
  const std::vector<Shortage>& shortages() const { return shortages_; }

 private:
  std::vector<Shortage> shortages_;
};

// API.md's 409 `out_of_stock`: the detail names the variants, each shortage
// is a field error at `fieldOf(index)` (the route's own path to the line).
inline Problem outOfStock(const OutOfStock& e, const std::function<std::string(std::size_t)>& fieldOf) {
  std::vector<FieldError> errors;
  std::string names;
  for (const Shortage& s : e.shortages()) {
    if (!s.available) {
      errors.push_back({fieldOf(s.index), "was not available"});
      names += std::string(names.empty() ? "" : ", ") + s.variantId;
      continue;
    }
    const long long have = *s.available;
    errors.push_back({fieldOf(s.index), have <= 0 ? "is out of stock" : "only " + std::to_string(have) + " available"});
    names += std::string(names.empty() ? "" : ", ") + s.variantId + " (requested " + std::to_string(s.requested) +
             ", available " + std::to_string(have < 0 ? 0 : have) + ")";
  }
  return Problem(409, "out_of_stock", "Not enough stock for " + names + ".", std::move(errors)).withTitle("Out of stock");
}

// A holder that already has a reservation of other items (a holder names
// one reservation for ever): a caller reusing a holder, never stock.
class ReservationConflict : public std::runtime_error {
 public:
  explicit ReservationConflict(const Holder& holder)
      : std::runtime_error("a reservation for " + holder.key() + " already exists with other items"),
        holder_(holder) {}
  const Holder& holder() const { return holder_; }

 private:
  Holder holder_;
};

class StockService {
 public:
  static constexpr std::string_view kServiceId = "agape.inventory.StockService";
  virtual ~StockService() = default;

  // Every call throws std::invalid_argument for a holder that is not
  // valid() or whose key is longer than 200 characters (a caller's bug).

  // Holds `items` for `holder` (such as {"order", orderId}) until `ttl`
  // from now (default: inventory.reservationTtl, 15 min).
  // All or nothing: when any item is short it throws OutOfStock naming each
  // short item by its index into `items`, having left the transaction as it
  // found it. An empty list, a quantity below 1 or a variant given twice is
  // a 400 `validation_failed` Problem (a caller's bug, not its client's).
  // A holder names one reservation for ever: reserving again for a holder
  // that already has one with the same items returns it unchanged (whatever
  // its status), and with other items throws ReservationConflict.
  virtual Reservation reserve(Tx& tx, const Holder& holder, const std::vector<StockItem>& items,
                              std::optional<std::chrono::seconds> ttl = {}) = 0;

  // The stock is sold: on hand and reserved both drop by the held quantities.
  // True when this call committed an active reservation; false (and nothing
  // changes) when the holder has none, or it was already committed, released
  // or expired.
  virtual bool commit(Tx& tx, const Holder& holder) = 0;

  // The stock is given back: reserved drops. True when this call released an
  // active reservation; false (and nothing changes) otherwise.
  virtual bool release(Tx& tx, const Holder& holder) = 0;

  // The sold units come back: on hand rises by a committed reservation's
  // quantities, recorded as movements of kind `return` that name the holder.
  // True when this call returned them; false (and nothing changes) when the
  // holder has no committed reservation or it was returned before.
  virtual bool restock(Tx& tx, const Holder& holder) = 0;

  // The holder's reservation in any status, or nullopt.
  virtual std::optional<Reservation> find(Tx& tx, const Holder& holder) const = 0;

  // Units that can be reserved now (on hand − reserved) for each of
  // `variantIds`; a variant the inventory has never stocked counts 0.
  virtual std::map<std::string, long long> available(Tx& tx, const std::vector<std::string>& variantIds) const = 0;
};

}  // namespace agape::inventory
