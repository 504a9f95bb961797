#pragma once
// The one place every stock change goes through after its level row was
// updated: the movement row (the ledger the level can be recomputed from),
// inventory.level_changed, and inventory.low_stock when available crosses the
// threshold downwards. Everything is written in the caller's transaction.
#include <optional>
#include <string>
#include <vector>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/events.h>

namespace agape::inventory {

// A level row as it is after a change.
struct Level {
  std::string variantId;
  long long onHand = 0;
  long long reserved = 0;
  long long version = 0;
  std::optional<long long> lowStockThreshold;  // NULL: the default
  std::optional<long long> unitCost;
  long long updatedAt = 0;

  long long available() const { return onHand - reserved; }
};

// The columns Level is read from, for SELECT and RETURNING lists.
inline constexpr const char* kLevelColumns =
    "variant_id, on_hand, reserved, version, low_stock_threshold, unit_cost, updated_at";
Level levelFromRow(const Row& row);

enum class MovementKind { Adjust, Reserve, Commit, Release, Expire, Return };
const char* movementKindName(MovementKind kind);

struct Movement {
  MovementKind kind = MovementKind::Adjust;
  std::string reason;
  std::string actor;
  std::string reference;  // holder, or the adjustment's request id; empty for none
};

// One variant's change: the level after it and what available was before.
struct LevelChange {
  Level after;
  long long onHandDelta = 0;
  long long reservedDelta = 0;
  long long availableBefore = 0;
};

class StockLedger {
 public:
  StockLedger(Events& events, const Clock& clock, long long defaultLowStockThreshold)
      : events_(events), clock_(clock), defaultThreshold_(defaultLowStockThreshold) {}

  // Records the movements (one row per change, one statement) and publishes
  // the events of each change, in `tx`.
  void record(Tx& tx, const std::vector<LevelChange>& changes, const Movement& movement) const;

  long long thresholdOf(const Level& level) const { return level.lowStockThreshold.value_or(defaultThreshold_); }
  long long defaultThreshold() const { return defaultThreshold_; }
  long long nowMs() const;
  Events& events() const { return events_; }

 private:
  Events& events_;
  const Clock& clock_;
  long long defaultThreshold_;
};

}  // namespace agape::inventory
