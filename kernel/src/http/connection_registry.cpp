#include "http/connection_registry.h"

#include <pthread.h>
#include <sys/socket.h>

#include <vector>

namespace agape::kernel {
namespace {

long long ticks(ConnectionRegistry::Clock::time_point t) {
  if (t == ConnectionRegistry::Clock::time_point::max()) return std::numeric_limits<long long>::max();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Waiting for the client (not being answered, not uploading): what may be
// shed to make room for a new connection.
bool waiting(ConnectionRegistry::Reason r) {
  return r == ConnectionRegistry::Reason::IdleTimeout || r == ConnectionRegistry::Reason::HeaderTimeout ||
         r == ConnectionRegistry::Reason::Linger;
}

}  // namespace

const char* ConnectionRegistry::reasonName(Reason reason) {
  switch (reason) {
    case Reason::None:
      return "none";
    case Reason::HeaderTimeout:
      return "header_timeout";
    case Reason::BodyTimeout:
      return "body_timeout";
    case Reason::IdleTimeout:
      return "idle_timeout";
    case Reason::Linger:
      return "linger";
    case Reason::Shed:
      return "shed";
    case Reason::Refused:
      return "refused";
    case Reason::Aborted:
      return "aborted";
  }
  return "none";
}

void ConnectionRegistry::Entry::setDeadline(Reason why, Clock::time_point at) {
  // The reason first: the sweeper reads the deadline, then the reason.
  reason_.store(why, std::memory_order_relaxed);
  deadline_.store(ticks(at), std::memory_order_release);
}

ConnectionRegistry::ConnectionRegistry(int maxConnections) : maxConnections_(maxConnections) {}

ConnectionRegistry::~ConnectionRegistry() { stopSweeper(); }

std::shared_ptr<ConnectionRegistry::Entry> ConnectionRegistry::open(int fd) {
  auto entry = std::make_shared<Entry>(fd);
  std::lock_guard lock(mutex_);
  if (open_.size() >= static_cast<std::size_t>(maxConnections_)) {
    Entry* victim = nullptr;
    long long earliest = std::numeric_limits<long long>::max();
    for (const auto& e : open_) {
      const long long d = e->deadline_.load(std::memory_order_acquire);
      if (waiting(e->reason_.load(std::memory_order_relaxed)) && d <= earliest) {
        earliest = d;
        victim = e.get();
      }
    }
    if (!victim) {
      entry->open_ = false;
      ::shutdown(fd, SHUT_RDWR);
      closedFor_[static_cast<std::size_t>(Reason::Refused)].fetch_add(1, std::memory_order_relaxed);
      return entry;
    }
    shutDown(*victim, Reason::Shed, SHUT_RDWR);
  }
  open_.insert(entry);
  return entry;
}

void ConnectionRegistry::closed(const std::shared_ptr<Entry>& entry) {
  std::lock_guard lock(mutex_);
  entry->open_ = false;
  open_.erase(entry);
}

void ConnectionRegistry::finish(const std::shared_ptr<Entry>& entry, std::chrono::milliseconds linger) {
  std::lock_guard lock(mutex_);
  if (!entry->open_) return;
  ::shutdown(entry->fd_, SHUT_WR);
  entry->setDeadline(Reason::Linger, Clock::now() + linger);
}

void ConnectionRegistry::abort(const std::shared_ptr<Entry>& entry, bool discardUnsent) {
  std::lock_guard lock(mutex_);
  if (!entry->open_) return;
  if (discardUnsent) {
    // Applies when the network thread closes the descriptor (after reading
    // the end of stream shutdown(2) causes): a reset, not a FIN queued
    // behind data nobody will read.
    const linger reset{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(entry->fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  }
  shutDown(*entry, Reason::Aborted, SHUT_RDWR);
}

int ConnectionRegistry::sweep(Clock::time_point now) {
  const long long nowTicks = ticks(now);
  std::lock_guard lock(mutex_);
  std::vector<Entry*> expired;
  for (const auto& e : open_)
    if (e->deadline_.load(std::memory_order_acquire) <= nowTicks) expired.push_back(e.get());
  for (Entry* e : expired) shutDown(*e, e->reason_.load(std::memory_order_relaxed), SHUT_RDWR);
  return static_cast<int>(expired.size());
}

void ConnectionRegistry::shutDown(Entry& entry, Reason why, int how) {
  ::shutdown(entry.fd_, how);
  closedFor_[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed);
  // Once is enough: the network thread removes it on end-of-stream.
  entry.deadline_.store(std::numeric_limits<long long>::max(), std::memory_order_relaxed);
  entry.reason_.store(Reason::None, std::memory_order_relaxed);
}

void ConnectionRegistry::startSweeper(std::chrono::milliseconds every) {
  if (sweeper_.joinable()) return;
  stopping_ = false;
  sweeper_ = std::thread([this, every] {
    std::unique_lock lock(sweeperMutex_);
    while (!sweeperCv_.wait_for(lock, every, [this] { return stopping_; })) {
      lock.unlock();
      sweep(Clock::now());
      lock.lock();
    }
  });
  pthread_setname_np(sweeper_.native_handle(), "agape-conns");
}

void ConnectionRegistry::stopSweeper() {
  {
    std::lock_guard lock(sweeperMutex_);
    stopping_ = true;
  }
  sweeperCv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace agape::kernel
