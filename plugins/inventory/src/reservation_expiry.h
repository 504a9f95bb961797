#pragma once
// Gives back the stock of reservations whose time ran out: a cron schedule
// (every minute, once across all instances) enqueues a job on
// `inventory.expire`, whose handler expires each due hold in its own
// transaction. Expiring is idempotent (a hold is settled once, by whoever
// comes first), so a job run twice or two sweeps at once are harmless.
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/jobs.h>

#include "reservation_book.h"

namespace agape::inventory {

class ReservationExpiry {
 public:
  static constexpr const char* kQueue = "inventory.expire";
  static constexpr const char* kSchedule = "expire_reservations";
  static constexpr const char* kCron = "* * * * *";

  ReservationExpiry(Database& db, const Clock& clock, ReservationBook& book, long long batch)
      : db_(db), clock_(clock), book_(book), batch_(batch) {}

  // Provision: the queue's handler and the schedule.
  void registerWith(Jobs& jobs);
  // One sweep: expires up to `batch` holds due now; returns how many this
  // call expired.
  int sweep();

 private:
  Database& db_;
  const Clock& clock_;
  ReservationBook& book_;
  long long batch_;
};

}  // namespace agape::inventory
