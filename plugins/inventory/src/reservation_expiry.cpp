#include "reservation_expiry.h"

#include <chrono>
#include <exception>

#include "time_text.h"

namespace agape::inventory {

void ReservationExpiry::registerWith(Jobs& jobs) {
  // Every job on the queue is a sweep, whatever its payload: the cron's {}
  // and also {"holder": key}, a reservation's own job from before the timer
  // that may still wait in the database (its hold, if still due, is among
  // the ones swept; if it was settled meanwhile, the sweep changes nothing).
  jobs.handle(kQueue, [this](const Job&) { sweep(); }, {.concurrency = 2, .lease = std::chrono::minutes(5)});
  jobs.schedule(kSchedule, kCron, kQueue, "{}");
}

int ReservationExpiry::sweep() {
  const long long at = nowMs(clock_);
  const auto keys = db_.read([&](Tx& tx) { return book_.due(tx, at, batch_); });
  int expired = 0;
  // One transaction per hold: a commit racing the sweep on one, or a hold
  // that cannot be expired (its first error is thrown once the others are
  // done), never holds back the others. An unavailable database ends the
  // sweep at once: the next one starts over.
  std::exception_ptr failure;
  for (const auto& key : keys) {
    try {
      if (db_.run([&](Tx& tx) { return book_.expire(tx, key, at); })) ++expired;
    } catch (const DbError& e) {
      if (e.kind() == DbError::Kind::Unavailable) throw;
      if (!failure) failure = std::current_exception();
    } catch (const std::exception&) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return expired;
}

}  // namespace agape::inventory
