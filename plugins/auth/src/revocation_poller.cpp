#include "revocation_poller.h"

#include <utility>

namespace agape::auth {

void RevocationPoller::pollOnce() {
  const auto& cfg = rt_.config();
  // Tokens of a session revoked before this are all expired: no need to remember it.
  const long long horizon = rt_.now() - cfg.accessTokenTtl.count() - cfg.clockLeeway.count();
  auto revoked = rt_.db().read([&](Tx& tx) { return SessionStore::revokedSince(tx, horizon); });
  rt_.revocations()->merge(revoked);
  rt_.revocations()->pruneBefore(horizon);
}

void RevocationPoller::start() {
  pollOnce();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, rt_.config().revocationPoll, [this] { return stopping_; })) {
      lock.unlock();
      try {
        pollOnce();
        if (std::exchange(failing_, false)) rt_.log().info("auth: revocation poll works again");
      } catch (const std::exception& e) {
        // Keep the last list (fail closed for what is known) and try again
        // next tick; say so once per outage, not once per tick.
        if (!std::exchange(failing_, true))
          rt_.log().warn("auth: revocation poll failed; retrying quietly until it works", {{"error", e.what()}});
      }
      lock.lock();
    }
  });
}

void RevocationPoller::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace agape::auth
