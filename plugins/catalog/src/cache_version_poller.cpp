#include "cache_version_poller.h"

#include <exception>
#include <string>
#include <utility>

namespace agape::catalog {

CacheVersionPoller::CacheVersionPoller(Database& db, Logger& logger, std::chrono::milliseconds interval,
                                       std::function<void()> onChange)
    : db_(db), logger_(logger), interval_(interval), onChange_(std::move(onChange)) {}

CacheVersionPoller::~CacheVersionPoller() { stop(); }

long long CacheVersionPoller::readVersion() {
  return db_.read([](Tx& tx) {
    auto r = tx.one("SELECT version FROM catalog_cache_version WHERE id = 1");
    return r ? r->integer("version") : 0LL;
  });
}

void CacheVersionPoller::start() {
  seen_ = readVersion();
  thread_ = std::thread([this] { run(); });
}

void CacheVersionPoller::stop() noexcept {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CacheVersionPoller::run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      const long long v = readVersion();
      if (std::exchange(failing_, false)) logger_.info("catalog cache version poll works again");
      if (v != seen_) {
        seen_ = v;
        onChange_();
      }
    } catch (const std::exception& e) {
      // A database outage must not end the thread; the next poll retries and
      // the TTL bounds staleness meanwhile. Once per outage, not per poll.
      if (!std::exchange(failing_, true))
        logger_.warn("catalog cache version poll failed; retrying quietly until it works",
                     {{"error", std::string(e.what())}});
    }
    lock.lock();
  }
}

}  // namespace agape::catalog
