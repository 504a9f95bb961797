#include "revocation_poller.h"

#include <chrono>
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

void RevocationPoller::reloadKeysIfDue() {
  const auto now = std::chrono::steady_clock::now();
  if (now < nextKeysReload_) return;
  nextKeysReload_ = now + rt_.config().keysReload;
  try {
    if (rt_.keyRing().reload())
      rt_.log().info("auth: signing keys changed", {{"activeKid", rt_.keys()->active().kid()},
                                                     {"keys", std::to_string(rt_.keys()->files().size())}});
  } catch (const std::exception& e) {
    rt_.log().warn("auth: the key directory is not usable; keeping the keys loaded", {{"error", e.what()}});
  }
}

void RevocationPoller::start() {
  pollOnce();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, rt_.config().revocationPoll, [this] { return stopping_; })) {
      lock.unlock();
      reloadKeysIfDue();
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
