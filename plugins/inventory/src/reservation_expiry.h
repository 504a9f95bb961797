#pragma once
// Gives back the stock of reservations whose time ran out. Nothing is
// written per reservation: the expiry timer (expiry_timer.h) sweeps when the
// earliest active hold falls due, and a cron schedule (every minute, once
// across all instances) enqueues a sweep ({}) on `inventory.expire` as a
// safety net (an instance whose timer is stuck, or a database that was out
// when the timer looked). Expiring is idempotent (a hold is settled once, by
// whoever comes first: commit, release or a sweep on any instance), so two
// sweeps at once, or a sweep racing a commit, are harmless.
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
  // One sweep: expires up to `batch` holds due now, earliest first; returns
  // how many this call expired. Throws the first failure once every other
  // hold read was tried (at once when the database is unavailable).
  int sweep();
  long long batch() const { return batch_; }

 private:
  Database& db_;
  const Clock& clock_;
  ReservationBook& book_;
  long long batch_;
};

}  // namespace agape::inventory
