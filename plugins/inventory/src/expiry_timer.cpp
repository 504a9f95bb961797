#include "expiry_timer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "time_text.h"

namespace agape::inventory {

ExpiryTimer::~ExpiryTimer() { stop(); }

void ExpiryTimer::start() {
  thread_ = std::thread([this] {
    try {
      run();
    } catch (...) {
      // Only the mutex or the condition variable could throw here (tick()
      // does not): the minute sweep carries on alone.
      try {
        logger_.error("inventory expiry timer stopped; holds expire through the minute sweep only");
      } catch (...) {
      }
    }
  });
}

void ExpiryTimer::stop() noexcept {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ExpiryTimer::reserved(long long expiresAtMs) {
  if (expiresAtMs >= target_.load()) return false;
  {
    std::lock_guard lock(mu_);
    if (expiresAtMs >= told_) return false;  // an earlier one woke it already
    told_ = expiresAtMs;
  }
  cv_.notify_one();
  return true;
}

void ExpiryTimer::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // From here until tick() sets the new target, every reservation that
    // commits is told: the round's query may not see it.
    told_ = kNever;
    target_.store(kNever);
    lock.unlock();
    const std::chrono::milliseconds wait = tick();
    lock.lock();
    cv_.wait_for(lock, wait, [this] { return stopping_ || told_ < target_.load(); });
  }
}

std::chrono::milliseconds ExpiryTimer::waitFor(std::optional<long long> earliestMs, long long nowMs) {
  if (!earliestMs) return kMaxWait;
  if (*earliestMs <= nowMs) return std::chrono::milliseconds{0};
  return std::min(kMaxWait, std::chrono::milliseconds{*earliestMs - nowMs});
}

std::chrono::milliseconds ExpiryTimer::backoff(std::chrono::milliseconds previous) {
  if (previous <= std::chrono::milliseconds{0}) return kFirstBackoff;
  return std::min(kMaxWait, previous * 2);
}

void ExpiryTimer::setTarget(std::chrono::milliseconds wait) { target_.store(nowMs(clock_) + wait.count()); }

std::chrono::milliseconds ExpiryTimer::tick() noexcept {
  try {
    const std::chrono::milliseconds wait = sweepDue();
    backoff_ = std::chrono::milliseconds{0};
    if (std::exchange(failing_, false)) logger_.info("inventory expiry timer works again");
    return wait;
  } catch (...) {
    return failed(std::current_exception());
  }
}

std::chrono::milliseconds ExpiryTimer::sweepDue() {
  bool progressed = true;
  for (;;) {
    const long long now = nowMs(clock_);
    const auto earliest = db_.read([&](Tx& tx) { return book_.nextExpiry(tx); });
    const std::chrono::milliseconds wait = waitFor(earliest, now);
    if (wait.count() > 0) {
      setTarget(wait);
      return wait;
    }
    // Still due although the last round expired nothing: another instance's
    // sweep or a commit is settling those holds right now. Look again
    // shortly instead of spinning.
    if (!progressed) {
      setTarget(kMaxWait);
      return kMaxWait;
    }
    // Drain: a sweep that expired a whole batch may have left more due.
    int expired = 0;
    int total = 0;
    do {
      expired = expiry_.sweep();
      total += expired;
    } while (expired >= expiry_.batch());
    progressed = total > 0;
  }
}

std::chrono::milliseconds ExpiryTimer::failed(std::exception_ptr error) {
  std::chrono::milliseconds wait = kMaxWait;
  try {
    try {
      std::rethrow_exception(error);
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::Unavailable) throw;
      // An outage: one line when it begins, none for each try.
      if (backoff_.count() == 0)
        logger_.warn("inventory expiry timer: database unavailable; retrying quietly until it answers",
                     {{"error", std::string(e.what())}});
      backoff_ = backoff(backoff_);
      wait = backoff_;
    }
  } catch (const std::exception& e) {
    backoff_ = std::chrono::milliseconds{0};
    try {
      logger_.error("inventory expiry timer: sweep failed; retrying in 1 s", {{"error", std::string(e.what())}});
    } catch (...) {
    }
  } catch (...) {
    backoff_ = std::chrono::milliseconds{0};
    try {
      logger_.error("inventory expiry timer: sweep failed; retrying in 1 s", {{"error", "unknown exception"}});
    } catch (...) {
    }
  }
  failing_ = true;
  try {
    setTarget(wait);
  } catch (...) {
  }
  return wait;
}

}  // namespace agape::inventory
