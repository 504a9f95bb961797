#pragma once
// StockService over the inventory tables: reservations ("holds") taken with
// conditional updates, settled (committed, released, expired) exactly once
// through a conditional update of the hold's status.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <agape/inventory/stock_service.h>
#include <agape/metrics.h>

#include "stock_ledger.h"

namespace agape::inventory {

class ReservationBook final : public StockService {
 public:
  // Longest list reserve() accepts (a checkout with more lines is refused).
  static constexpr std::size_t kMaxItems = 200;

  ReservationBook(const StockLedger& ledger, std::chrono::milliseconds defaultTtl)
      : ledger_(ledger), defaultTtl_(defaultTtl) {}

  // From then on every new reservation, once its transaction committed,
  // calls `atCommit` with its expiry (epoch ms), so the expiry timer can
  // wake earlier for a hold due before it meant to look again. Set before
  // the first reservation; nothing is written for it.
  void wakeOnReserve(std::function<void(long long expiresAtMs)> atCommit) { wakeOnReserve_ = std::move(atCommit); }

  // From then on reservations are counted on /metrics
  // (agape_inventory_reservations_total by event: reserved, committed,
  // released and expired once their transaction committed; refused at once).
  void countWith(Metrics& metrics);

  Reservation reserve(Tx& tx, const Holder& holder, const std::vector<StockItem>& items,
                      std::optional<std::chrono::seconds> ttl = {}) override;
  bool commit(Tx& tx, const Holder& holder) override;
  bool release(Tx& tx, const Holder& holder) override;
  bool restock(Tx& tx, const Holder& holder) override;
  std::optional<Reservation> find(Tx& tx, const Holder& holder) const override;
  std::map<std::string, long long> available(Tx& tx, const std::vector<std::string>& variantIds) const override;

  // The expiry sweep: the keys of the holders whose reservation is active
  // and due at `atMs`, earliest deadline first.
  std::vector<std::string> due(Tx& tx, long long atMs, long long limit) const;
  // The expiry timer: the earliest expiry (epoch ms) of an active hold,
  // nothing when none is active. One lookup in the index of active holds.
  std::optional<long long> nextExpiry(Tx& tx) const;
  // Expires the reservation of the holder stored as `holderKey` if it is
  // still active and due at `atMs` (a commit or release that came first
  // wins); publishes inventory.reservation_expired. True when this call
  // expired it. By key, as the sweep knows it.
  bool expire(Tx& tx, const std::string& holderKey, long long atMs);

 private:
  // Moves the level of every item (sorted by variant) in one statement:
  // reserves every quantity or none (empty result: some item is not
  // covered), sells the reserved units, or gives them back. The levels
  // after, in the items' order.
  enum class LevelMove { Reserve, Sell, GiveBack };
  std::vector<Level> moveLevels(Tx& tx, const std::vector<StockItem>& sorted, LevelMove move, long long now);
  // Moves an active hold to its final status and gives back (or, for a
  // commit, takes out) its quantities, once.
  bool settle(Tx& tx, const std::string& key, MovementKind kind, std::optional<long long> dueAtMs);
  [[noreturn]] void throwShortage(Tx& tx, const std::vector<StockItem>& items) const;

  // `counter` incremented when `tx` commits (a rolled-back reservation never happened).
  static void countAtCommit(Tx& tx, Counter* counter);

  const StockLedger& ledger_;
  std::chrono::milliseconds defaultTtl_;
  struct Counters {
    Counter* reserved;
    Counter* refused;
    Counter* committed;
    Counter* released;
    Counter* expired;
  };
  std::optional<Counters> counters_;
  std::function<void(long long)> wakeOnReserve_;
};

}  // namespace agape::inventory
