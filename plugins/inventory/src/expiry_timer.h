#pragma once
// The expiry timer: one thread per instance that sleeps until the earliest
// expiry of an active hold, but never longer than kMaxWait, then sweeps
// (ReservationExpiry::sweep) until nothing more is due. The holds table
// with its partial index on active holds' expires_at is the whole due-time
// index: a reservation writes nothing for its expiry.
//
// - Holds made by other instances sharing the database are seen within
//   kMaxWait (the thread looks again at least that often).
// - A reservation committed by this process that expires before the
//   thread's current target wakes it (ReservationBook::wakeOnReserve), so a
//   short time-to-live is honoured on time.
// - Several instances may sweep the same holds at once: harmless, each
//   expiry is a conditional UPDATE (status = 'active' AND expires_at <= now)
//   that exactly one transaction wins; the losers change nothing.
// - While the database is unavailable it retries quietly, backing off from
//   kFirstBackoff doubling to kMaxWait; other failures are logged (one line
//   each) and retried after kMaxWait. Nothing ever escapes the thread.
//
// The thread is thin: tick() does one round (sweep what is due, return how
// long to sleep), which tests call directly with a ManualClock.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/logger.h>

#include "reservation_book.h"
#include "reservation_expiry.h"

namespace agape::inventory {

class ExpiryTimer {
 public:
  static constexpr std::chrono::milliseconds kMaxWait{1000};
  static constexpr std::chrono::milliseconds kFirstBackoff{250};

  ExpiryTimer(Database& db, const Clock& clock, Logger& logger, ReservationBook& book, ReservationExpiry& expiry)
      : db_(db), clock_(clock), logger_(logger), book_(book), expiry_(expiry) {}
  ~ExpiryTimer();
  ExpiryTimer(const ExpiryTimer&) = delete;
  ExpiryTimer& operator=(const ExpiryTimer&) = delete;

  void start();
  void stop() noexcept;

  // A reservation expiring at `expiresAtMs` committed: wakes the thread when
  // that is before its target. True when it did. Cheap when it is not (one
  // atomic read), as for almost every reservation.
  bool reserved(long long expiresAtMs);

  // One round of the thread: sweeps while holds are due (again at once
  // after a sweep that expired a whole batch), then returns how long to
  // sleep and sets the target (targetMs()) to now plus that. On a failure it
  // logs as described above and returns the delay before the next try.
  std::chrono::milliseconds tick() noexcept;

  // How long to sleep at `nowMs` when the earliest active hold expires at
  // `earliestMs` (none: nothing): until then, at most kMaxWait, 0 when due.
  static std::chrono::milliseconds waitFor(std::optional<long long> earliestMs, long long nowMs);
  // The delay after `previous` consecutive unavailable-database failures'
  // last delay (0 for the first failure): kFirstBackoff, doubling to kMaxWait.
  static std::chrono::milliseconds backoff(std::chrono::milliseconds previous);

  // When (epoch ms of the clock) the thread means to look again.
  long long targetMs() const { return target_.load(); }

 private:
  static constexpr long long kNever = std::numeric_limits<long long>::max();

  void run();
  // The sweeping part of tick(); throws.
  std::chrono::milliseconds sweepDue();
  std::chrono::milliseconds failed(std::exception_ptr error);
  void setTarget(std::chrono::milliseconds wait);

  Database& db_;
  const Clock& clock_;
  Logger& logger_;
  ReservationBook& book_;
  ReservationExpiry& expiry_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  // The earliest expiry told by reserved() since the round began (kNever:
  // none); the thread wakes when it is before target_.
  long long told_ = kNever;
  // kNever while a round runs, so every reservation committed meanwhile is
  // told (the round's query may have missed it).
  std::atomic<long long> target_{kNever};
  std::thread thread_;

  // tick()'s own (the thread's, or the test's): the current outage's last
  // delay (0: none), and whether a failure is being reported.
  std::chrono::milliseconds backoff_{0};
  bool failing_ = false;
};

}  // namespace agape::inventory
