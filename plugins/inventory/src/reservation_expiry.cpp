#include "reservation_expiry.h"

#include <chrono>
#include <exception>

#include <agape/json.h>

#include "time_text.h"

namespace agape::inventory {

void ReservationExpiry::registerWith(Jobs& jobs) {
  jobs.handle(kQueue, [this](const Job& job) {
    const Json payload = Json::parse(job.payload, nullptr, false);
    if (payload.is_object() && payload.contains("holder") && payload["holder"].is_string())
      expireOne(payload["holder"].get<std::string>());
    else
      sweep();
  }, {.concurrency = 2, .lease = std::chrono::minutes(5)});
  jobs.schedule(kSchedule, kCron, kQueue, "{}");
  book_.scheduleExpiriesOn(jobs, kQueue);
}

bool ReservationExpiry::expireOne(const std::string& holderKey) {
  const long long at = nowMs(clock_);
  return db_.run([&](Tx& tx) { return book_.expire(tx, holderKey, at); });
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
