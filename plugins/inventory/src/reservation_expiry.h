#pragma once
// Gives back the stock of reservations whose time ran out. Each reservation
// enqueues, with itself, a job on `inventory.expire` due at its expiry
// ({"holder": its key}): the hold is given back on time. A cron schedule (every
// minute, once across all instances) enqueues a sweep ({}) on the same queue
// as a safety net (holds made before this job existed, a job that ran out
// of attempts). Expiring is idempotent (a hold is settled once, by whoever
// comes first: commit, release, its job or a sweep), so a job run twice or a
// sweep racing a job is harmless.
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
  // The job of one reservation (its holder's key): expires it if it is
  // still active and due now. True when this call expired it.
  bool expireOne(const std::string& holderKey);

 private:
  Database& db_;
  const Clock& clock_;
  ReservationBook& book_;
  long long batch_;
};

}  // namespace agape::inventory
